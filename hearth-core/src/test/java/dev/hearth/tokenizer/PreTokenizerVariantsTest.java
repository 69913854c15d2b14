package dev.hearth.tokenizer;

import dev.hearth.gguf.GgufFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every pre-tokenizer kind checked against llama.cpp: the GPT-2 vocabulary with {@code tokenizer.ggml.pre}
 * set to each name, on a text of code, prose, CJK, emoji, numbers and whitespace runs
 * ({@code pre-variants.txt}); expected ids from llama.cpp's llama-tokenize ({@code tools/gen-pre-vectors.sh}).
 * This exercises the hand-written splitters and the collapsed-regex path (DeepSeek, Tekken, Chameleon,
 * Falcon, BLOOM, SuperBPE ...) with llama.cpp's flags for each name (ignore_merges etc.).
 */
class PreTokenizerVariantsTest {
    private static GgufFile gpt2;

    @BeforeAll
    static void open() {
        gpt2 = GgufFile.open(TestVocabs.resource("ggml-vocab-gpt-2.gguf"));
    }

    @AfterAll
    static void close() {
        gpt2.close();
    }

    @TestFactory
    Stream<DynamicTest> everyPreTokenizerMatchesLlamaCpp() {
        String text = TestVocabs.read("pre-variants.txt");
        List<DynamicTest> tests = new ArrayList<>();
        for (String line : TestVocabs.read("pre-variants.out").split("\n")) {
            if (line.isBlank()) continue;
            int space = line.indexOf(' ');
            String pre = space < 0 ? line : line.substring(0, space);
            int[] expected = TestVocabs.parseIds(space < 0 ? "" : line.substring(space + 1));
            tests.add(DynamicTest.dynamicTest(pre, () -> {
                Tokenizer tok = Tokenizer.of(Vocabulary.loadWithPreTokenizer(gpt2, pre));
                int[] actual = tok.encode(text, false, false);
                if (!Arrays.equals(expected, actual)) {
                    int i = 0;
                    while (i < Math.min(expected.length, actual.length) && expected[i] == actual[i]) i++;
                    int from = Math.max(0, i - 3);
                    assertThat(Arrays.copyOfRange(actual, from, Math.min(actual.length, i + 8)))
                            .as(pre + ": first difference at token " + i + " (context: "
                                    + VocabVectorsTest.show(tok.decode(Arrays.copyOfRange(expected, from, Math.min(expected.length, i + 8)))) + ")")
                            .containsExactly(Arrays.copyOfRange(expected, from, Math.min(expected.length, i + 8)));
                }
                assertThat(actual).containsExactly(expected);
            }));
        }
        return tests.stream();
    }
}
