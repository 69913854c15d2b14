package dev.hearth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.gguf.GgufFile;
import dev.hearth.model.CacheOptions;
import dev.hearth.model.Model;
import dev.hearth.sampling.SamplingSettings;
import dev.hearth.tensor.ComputePool;
import dev.hearth.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Prompt-lookup decoding gives exactly the output of plain decoding: the same tokens, probabilities (so
 * the same logits), text, stop and counts, greedy or sampled with a seed, with one slot or two generating at once, up to n_predict or
 * to a full context, and the drafts were really verified (some accepted, some not). On the bundled
 * model, whose stories repeat their own phrases.
 */
class SpeculativeDecodingTest {
    static GgufFile file;
    static ComputePool pool;
    static Tokenizer tokenizer;
    static Model model;

    static final String STORY = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. "
            + "One day, she saw a big, red ball. She wanted to play with it, but it was too high.\n"
            + "Once upon a time, there was a little girl named Lily. She loved to play";

    @BeforeAll
    static void load() {
        file = GgufFile.open(Path.of("../models/stories260K.gguf"));
        pool = new ComputePool(2);
        tokenizer = Tokenizer.load(file);
        model = Model.load(file);
    }

    @AfterAll
    static void close() {
        pool.close();
        file.close();
    }

    static CompletionRequest request(String prompt, int n, float temperature, List<String> stop) {
        SamplingSettings s = new SamplingSettings();
        s.temperature = temperature;
        s.seed = 1234;
        s.penaltyRepeat = 1.1f; // the sampler's token history must see the accepted drafts in order
        // n_probs: the probabilities come from the logits, so equal probabilities mean equal logits
        return new CompletionRequest(tokenizer.encode(prompt, true, false), s, n, stop, 3, false, 0, false, -1, 0);
    }

    static CompletionResult[] run(Speculation spec, int slots, String fa, CompletionRequest... requests) throws Exception {
        try (Engine e = new Engine(model, tokenizer, pool, slots, 256, 64, CacheOptions.resolve(fa, "f16", "f16"), spec)) {
            EngineTest.Collector[] c = new EngineTest.Collector[requests.length];
            for (int i = 0; i < requests.length; i++) e.submit(requests[i], c[i] = new EngineTest.Collector());
            CompletionResult[] out = new CompletionResult[requests.length];
            for (int i = 0; i < requests.length; i++) {
                out[i] = c[i].get();
                assertThat(c[i].streamed.toString()).isEqualTo(out[i].content());
            }
            return out;
        }
    }

    @ParameterizedTest(name = "-fa {0}")
    @ValueSource(strings = {"off", "on"})
    void draftsChangeNothingButTheSpeed(String fa) throws Exception {
        CompletionRequest[] requests = {
                request(STORY, 120, 0f, List.of()),
                request(STORY, 120, 0.8f, List.of()),
                request(STORY, -1, 0f, List.of()), // until the context (256) is full
                request("Lily and Ben went to the park. Lily and Ben", 80, 0f, List.of("ball"))};
        Speculation always = new Speculation(8, 0, 2, true);
        int drafted = 0, accepted = 0;
        for (CompletionRequest r : requests) {
            CompletionResult plain = run(Speculation.OFF, 1, fa, r)[0];
            CompletionResult spec = run(always, 1, fa, r)[0];
            assertSame(spec, plain);
            assertThat(plain.draftN()).isZero();
            drafted += spec.draftN();
            accepted += spec.draftAccepted();
        }
        assertThat(accepted).as("accepted drafts").isPositive();
        assertThat(accepted).as("accepted of %d drafted", drafted).isLessThan(drafted);

        // two slots generating in the same steps, each with its own drafts. Prompts that share a step are cut
        // into other chunks than alone, which changes their logits a little, so each slot's prompt is first
        // evaluated alone (n_predict 0); the generating requests then evaluate one prompt token each
        CompletionResult[] both = runTwo(always, fa, requests[0], requests[1]);
        CompletionResult[] bothPlain = runTwo(Speculation.OFF, fa, requests[0], requests[1]);
        assertSame(both[0], bothPlain[0]);
        assertSame(both[1], bothPlain[1]);
        assertThat(both[0].draftAccepted() + both[1].draftAccepted()).isPositive();
    }

    static CompletionResult[] runTwo(Speculation spec, String fa, CompletionRequest a, CompletionRequest b) throws Exception {
        try (Engine e = new Engine(model, tokenizer, pool, 2, 256, 64, CacheOptions.resolve(fa, "f16", "f16"), spec)) {
            CompletionRequest[] rs = {a, b};
            for (int i = 0; i < 2; i++) {
                EngineTest.Collector warm = new EngineTest.Collector();
                e.submit(onSlot(rs[i], i, 0), warm);
                warm.get();
            }
            EngineTest.Collector ca = new EngineTest.Collector(), cb = new EngineTest.Collector();
            e.submit(onSlot(a, 0, a.nPredict()), ca);
            e.submit(onSlot(b, 1, b.nPredict()), cb);
            return new CompletionResult[] {ca.get(), cb.get()};
        }
    }

    private static CompletionRequest onSlot(CompletionRequest r, int slot, int nPredict) {
        return new CompletionRequest(r.prompt(), r.sampling(), nPredict, r.stop(), r.nProbs(), false, 0, true, slot, 0);
    }

    private static void assertSame(CompletionResult spec, CompletionResult plain) {
        assertThat(spec.tokens()).isEqualTo(plain.tokens());
        assertThat(spec.probs()).isEqualTo(plain.probs());
        assertThat(spec.content()).isEqualTo(plain.content());
        assertThat(spec.stopType()).isEqualTo(plain.stopType());
        assertThat(spec.predictedN()).isEqualTo(plain.predictedN());
        assertThat(spec.tokensCached()).isEqualTo(plain.tokensCached());
        assertThat(spec.contextFull()).isEqualTo(plain.contextFull());
    }
}
