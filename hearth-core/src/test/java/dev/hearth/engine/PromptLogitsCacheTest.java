package dev.hearth.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.gguf.GgufFile;
import dev.hearth.model.Model;
import dev.hearth.model.RandomLlama;
import dev.hearth.sampling.SamplingSettings;
import dev.hearth.tensor.ComputePool;
import dev.hearth.tensor.GgmlType;
import dev.hearth.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request whose whole prompt is in the cache samples its first token from the logits the prompt's own
 * evaluation left, so the same greedy request twice gives the same tokens and the same probabilities to
 * the bit. (Evaluating the last prompt token again as a lone token would not: on this Q4_0 model every one
 * of its logits then differs from the prompt batch's, by up to 0.5 where they reach ±60; checked by
 * turning the reuse off, when all three fail on the prompt counts and the first also on its tokens and
 * probabilities.)
 */
class PromptLogitsCacheTest {
    @TempDir static Path tmp;
    static GgufFile file;
    static ComputePool pool;
    static Tokenizer tokenizer;
    static Engine engine;
    static int vocab;

    @BeforeAll
    static void start() {
        Path path = tmp.resolve("llama-tiny-q4_0.gguf");
        RandomLlama.write(RandomLlama.TINY, GgmlType.Q4_0, 11, path);
        file = GgufFile.open(path);
        pool = new ComputePool(2);
        tokenizer = Tokenizer.load(file);
        Model model = Model.load(file);
        vocab = model.config().vocab();
        engine = new Engine(model, tokenizer, pool, 1, 256, 64);
    }

    @AfterAll
    static void stop() {
        engine.close();
        pool.close();
        file.close();
    }

    static int[] tokens(int n, long seed) {
        Random r = new Random(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = 1 + r.nextInt(vocab - 1);
        return t;
    }

    static CompletionResult run(int[] prompt, int n, boolean cachePrompt) throws Exception {
        SamplingSettings s = new SamplingSettings();
        s.temperature = 0;
        s.ignoreEos = true;
        EngineTest.Collector c = new EngineTest.Collector();
        // n_probs: the probabilities come from the logits, so equal probabilities mean equal logits
        engine.submit(new CompletionRequest(prompt, s, n, List.of(), 5, false, 0, cachePrompt, -1, 0), c);
        return c.get();
    }

    @Test
    void theSameRequestTwiceGivesTheSameTokensAndLogits() throws Exception {
        int[] prompt = tokens(40, 1);
        CompletionResult first = run(prompt, 8, false);
        CompletionResult second = run(prompt, 8, true);
        assertThat(second.promptN()).as("prompt tokens evaluated").isZero();
        assertThat(second.cacheN()).isEqualTo(prompt.length);
        assertThat(second.tokens()).isEqualTo(first.tokens());
        assertThat(second.probs()).isEqualTo(first.probs());
    }

    @Test
    void logitsOfAnotherPrefixAreNeverReused() throws Exception {
        int[] prompt = tokens(30, 2);
        int[] longer = Arrays.copyOf(prompt, 36);
        System.arraycopy(tokens(6, 3), 0, longer, 30, 6);
        run(prompt, 4, false);
        run(longer, 4, true); // the saved logits now follow the longer prompt
        CompletionResult again = run(prompt, 4, true);
        assertThat(again.promptN()).as("the last prompt token is evaluated again").isEqualTo(1);
        // and those logits are saved in turn: the next identical request reuses them
        CompletionResult third = run(prompt, 4, true);
        assertThat(third.promptN()).isZero();
        assertThat(third.probs()).isEqualTo(again.probs());
    }

    @Test
    void aWarmUpRequestLeavesLogitsForTheRealOne() throws Exception {
        int[] prompt = tokens(20, 4);
        CompletionResult warm = run(prompt, 0, true); // n_predict 0: evaluate only
        assertThat(warm.tokens()).isEmpty();
        CompletionResult real = run(prompt, 3, true);
        assertThat(real.promptN()).isZero();
        CompletionResult cold = run(prompt, 3, false);
        assertThat(cold.promptN()).isEqualTo(prompt.length);
        assertThat(real.probs()).isEqualTo(cold.probs());
        assertThat(real.tokens()).isEqualTo(cold.tokens());
    }
}
