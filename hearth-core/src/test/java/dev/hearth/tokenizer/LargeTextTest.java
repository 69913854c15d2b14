package dev.hearth.tokenizer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** 100 kB of real Markdown and code (llama.cpp's docs) tokenized exactly as llama-tokenize does. */
class LargeTextTest {
    /** One tokenizer shared by threads (the server's case) gives every thread the single-threaded result. */
    @org.junit.jupiter.api.Test
    void concurrentEncodesAgree() throws Exception {
        Tokenizer tok = Tokenizer.of(TestVocabs.tokenizer("gpt-2").vocabulary()); // fresh: empty word cache
        String text = TestVocabs.read("large-text.txt");
        int[] expected = TestVocabs.parseIds(TestVocabs.read("large-text.gpt-2.out"));
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
            var futures = new java.util.ArrayList<java.util.concurrent.Future<int[]>>();
            for (int t = 0; t < 4; t++) {
                int part = t;
                futures.add(pool.submit(() -> part % 2 == 0 ? tok.encode(text, false, true)
                        : tok.encode(text.substring(0, text.length() / 2), false, true)));
            }
            for (int t = 0; t < 4; t++) {
                int[] got = futures.get(t).get();
                if (t % 2 == 0) assertThat(got).containsExactly(expected);
                else assertThat(got).containsExactly(tok.encode(text.substring(0, text.length() / 2), false, true));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-bpe", "qwen2", "llama-spm", "gpt-2"})
    void matchesLlamaTokenize(String name) {
        assumeTrue(TestVocabs.gguf(name) != null, name + " not available");
        Tokenizer tok = TestVocabs.tokenizer(name);
        String text = TestVocabs.read("large-text.txt");
        int[] expected = TestVocabs.parseIds(TestVocabs.read("large-text." + name + ".out"));
        int[] actual = tok.encode(text, false, true);
        if (actual.length != expected.length || !java.util.Arrays.equals(actual, expected)) {
            int i = 0;
            while (i < Math.min(actual.length, expected.length) && actual[i] == expected[i]) i++;
            throw new AssertionError(name + ": first difference at token " + i + " of " + expected.length);
        }
        // and back: without llama.cpp's clean_spaces pass (which rewrites " ," etc.) the text round-trips
        if (!tok.vocabulary().cleanSpaces()) {
            assertThat(tok.decode(actual, false, true)).isEqualTo(text);
        }
    }
}
