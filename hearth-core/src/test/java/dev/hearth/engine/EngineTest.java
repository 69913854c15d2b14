package dev.hearth.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.gguf.GgufFile;
import dev.hearth.model.Model;
import dev.hearth.sampling.SamplingSettings;
import dev.hearth.tensor.ComputePool;
import dev.hearth.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EngineTest {
    static GgufFile file;
    static ComputePool pool;
    static Tokenizer tokenizer;
    static Engine engine;

    @BeforeAll
    static void start() {
        file = GgufFile.open(Path.of("../models/stories260K.gguf"));
        pool = new ComputePool(1);
        tokenizer = Tokenizer.load(file);
        engine = new Engine(Model.load(file), tokenizer, pool, 2, 256, 64);
    }

    @AfterAll
    static void stop() {
        engine.close();
        pool.close();
        file.close();
    }

    static SamplingSettings greedy() {
        SamplingSettings s = new SamplingSettings();
        s.temperature = 0;
        return s;
    }

    /** Collects events; completes with the result. */
    static class Collector implements CompletionListener {
        final StringBuilder streamed = new StringBuilder();
        final CompletableFuture<CompletionResult> done = new CompletableFuture<>();
        public void onPartial(TokenEvent e) { streamed.append(e.text()); }
        public void onDone(CompletionResult r) { done.complete(r); }
        public void onError(String m) { done.completeExceptionally(new RuntimeException(m)); }
        CompletionResult get() throws Exception { return done.get(30, TimeUnit.SECONDS); }
    }

    static CompletionRequest request(String prompt, int n, List<String> stop) {
        return new CompletionRequest(tokenizer.encode(prompt, true, false), greedy(), n, stop, 0, false, 0, true, -1, 0);
    }

    @Test
    void aTextStopEndsTheGenerationWhereItSaysAndNeverStreamsWhatItCuts() throws Exception {
        Collector plain = new Collector();
        engine.submit(request("Once upon a time", 60, List.of()), plain);
        String text = plain.get().content();
        int cut = text.indexOf(". ") + 1; // a scripted rule: the "scope" ends with the first sentence
        assertThat(cut).isPositive();
        TextStop rule = generated -> {
            int end = generated.toString().indexOf(". ");
            // like the code-aware stop: hold back the last few characters, which a later decision may cut
            return end >= 0 ? new TextStop.Decision(true, end + 1) : new TextStop.Decision(false, Math.max(0, generated.length() - 3));
        };
        CompletionRequest base = request("Once upon a time", 60, List.of());
        CompletionRequest scoped = new CompletionRequest(base.prompt(), base.sampling(), 60, List.of(), 0, false, 0, true, -1, 0, rule);
        Collector c = new Collector();
        engine.submit(scoped, c);
        CompletionResult r = c.get();
        assertThat(r.stopType()).isEqualTo(StopType.SCOPE);
        assertThat(r.content()).isEqualTo(text.substring(0, cut));
        assertThat(c.streamed.toString()).isEqualTo(r.content());
        assertThat(r.predictedN()).isLessThan(plain.get().predictedN());
    }

    @Test
    void generatesStreamsAndReportsCounts() throws Exception {
        Collector c = new Collector();
        engine.submit(request("Once upon a time", 20, List.of()), c);
        CompletionResult r = c.get();
        assertThat(r.predictedN()).isEqualTo(20);
        assertThat(r.stopType()).isEqualTo(StopType.LIMIT);
        assertThat(r.content()).isNotBlank().isEqualTo(c.streamed.toString());
    }

    @Test
    void stopStringEndsGenerationAndIsNeverStreamed() throws Exception {
        Collector plain = new Collector();
        engine.submit(request("Once upon a time", 30, List.of()), plain);
        String text = plain.get().content();
        // stop at the second word of the continuation
        String word = text.trim().split(" ")[1];
        Collector c = new Collector();
        engine.submit(request("Once upon a time", 30, List.of(word)), c);
        CompletionResult r = c.get();
        assertThat(r.stopType()).isEqualTo(StopType.WORD);
        assertThat(r.stoppingWord()).isEqualTo(word);
        assertThat(r.content()).isEqualTo(text.substring(0, text.indexOf(word)));
        assertThat(c.streamed.toString()).isEqualTo(r.content());
    }

    @Test
    void aHeldBackPartialStopStringIsReleasedWhenItDoesNotComplete() throws Exception {
        Collector plain = new Collector();
        engine.submit(request("Once upon a time", 30, List.of()), plain);
        String text = plain.get().content();
        String near = text.trim().split(" ")[1] + "qqq"; // its start appears in the text, the whole never does
        List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
        Collector c = new Collector() {
            @Override public void onPartial(TokenEvent e) { events.add(e.text()); super.onPartial(e); }
        };
        engine.submit(request("Once upon a time", 30, List.of(near)), c);
        CompletionResult r = c.get();
        assertThat(r.stopType()).isEqualTo(StopType.LIMIT);
        assertThat(r.content()).isEqualTo(text);
        assertThat(c.streamed.toString()).isEqualTo(text);
        // no event ever ended inside a possible start of the stop string... unless the text itself does
        StringBuilder sent = new StringBuilder();
        for (String e : events.subList(0, events.size() - 1)) {
            sent.append(e);
            String s = sent.toString();
            for (int k = 1; k < near.length(); k++) assertThat(s.endsWith(near.substring(0, k))).as(s).isFalse();
        }
    }

    @Test
    void secondRequestReusesTheCachedPrefix() throws Exception {
        String prefix = "Once upon a time, there was a little girl named Lily. She loved to play outside";
        Collector a = new Collector();
        engine.submit(request(prefix, 4, List.of()), a);
        CompletionResult first = a.get();
        Collector b = new Collector();
        engine.submit(request(prefix + " with her dog", 4, List.of()), b);
        CompletionResult second = b.get();
        int prefixTokens = tokenizer.encode(prefix, true, false).length;
        assertThat(second.cacheN()).isGreaterThanOrEqualTo(prefixTokens - 1);
        assertThat(second.promptN()).isEqualTo(second.tokensEvaluated() - second.cacheN()).isLessThan(first.tokensEvaluated());
    }

    @Test
    void concurrentRequestsMatchTheSameRequestAlone() throws Exception {
        String[] prompts = {"Once upon a time", "The cat", "Lily and Ben", "One day"};
        List<String> alone = new ArrayList<>();
        for (String p : prompts) {
            Collector c = new Collector();
            engine.submit(request(p, 24, List.of()), c);
            alone.add(c.get().content());
        }
        List<Collector> together = new ArrayList<>();
        for (String p : prompts) {
            Collector c = new Collector();
            // cache_prompt off so each run evaluates its whole prompt, as the one alone did
            engine.submit(new CompletionRequest(tokenizer.encode(p, true, false), greedy(), 24, List.of(), 0, false, 0, false, -1, 0), c);
            together.add(c);
        }
        for (int i = 0; i < prompts.length; i++) assertThat(together.get(i).get().content()).isEqualTo(alone.get(i));
    }

    @Test
    void promptLongerThanTheContextIsRefused() {
        int[] longPrompt = new int[300];
        java.util.Arrays.fill(longPrompt, 1);
        assertThatThrownBy(() -> engine.submit(new CompletionRequest(longPrompt, greedy(), 4, List.of(), 0, false, 0, true, -1, 0), new Collector()))
                .isInstanceOf(PromptTooLongException.class).hasMessageContaining("300");
    }

    @Test
    void probabilitiesAreReported() throws Exception {
        Collector c = new Collector();
        engine.submit(new CompletionRequest(tokenizer.encode("Once", true, false), greedy(), 3, List.of(), 5, false, 0, true, -1, 0), c);
        CompletionResult r = c.get();
        assertThat(r.probs()).hasSize(3);
        assertThat(r.probs().get(0).top()).hasSize(5);
        assertThat(r.probs().get(0).chosen().id()).isEqualTo(r.probs().get(0).top().get(0).id());
    }

    @Test
    void nIndentStopsAtALineIndentedLessThanAsked() throws Exception {
        int[] prompt = tokenizer.encode("Once upon a time", true, false);
        SamplingSettings s = greedy();
        s.ignoreEos = true;
        Collector plain = new Collector();
        engine.submit(new CompletionRequest(prompt, s, 200, List.of(), 0, false, 0, true, -1, 0), plain);
        String text = plain.get().content();
        int nl = text.indexOf('\n');
        org.junit.jupiter.api.Assumptions.assumeTrue(nl >= 0 && nl + 1 < text.length() && text.charAt(nl + 1) != ' ', "no unindented second line");
        Collector c = new Collector();
        engine.submit(new CompletionRequest(prompt, s, 200, List.of(), 0, false, 0, true, -1, 1), c);
        CompletionResult r = c.get();
        assertThat(r.stopType()).isEqualTo(StopType.LIMIT);
        assertThat(r.content()).isEqualTo(text.substring(0, nl + 1));
        assertThat(c.streamed.toString()).isEqualTo(r.content());
    }

    @Test
    void requestsBeyondCapacityWaitAndRunInArrivalOrder() throws Exception {
        try (Engine one = new Engine(Model.load(file), tokenizer, pool, 1, 128, 64)) {
            List<Integer> finished = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Collector> cs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int n = i;
                Collector c = new Collector() {
                    @Override public void onDone(CompletionResult r) { finished.add(n); super.onDone(r); }
                };
                cs.add(c);
                one.submit(request("Once upon a time", 8, List.of()), c);
            }
            for (Collector c : cs) assertThat(c.get().predictedN()).isEqualTo(8);
            assertThat(finished).containsExactly(0, 1, 2, 3);
        }
    }

    @Test
    void nPredictZeroOnlyEvaluatesThePrompt() throws Exception {
        Collector c = new Collector();
        engine.submit(request("Once upon a time", 0, List.of()), c);
        CompletionResult r = c.get();
        assertThat(r.predictedN()).isZero();
        assertThat(r.content()).isEmpty();
        assertThat(r.tokensEvaluated()).isPositive();
    }

    @Test
    void stopStringsHoldBackPartialMatches() {
        StopStrings s = new StopStrings(List.of("END", "xy"));
        assertThat(s.partialSuffix("abc EN")).isEqualTo(2);
        assertThat(s.partialSuffix("abc x")).isEqualTo(1);
        assertThat(s.partialSuffix("abc")).isZero();
        assertThat(s.findComplete("a xy END", 0).word()).isEqualTo("xy");
    }
}
