package dev.hearth.tokenizer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** 100 kB of real Markdown and code (llama.cpp's docs) tokenized exactly as llama-tokenize does. */
class LargeTextTest {
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
