package dev.hearth.tokenizer;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * llama.cpp's tokenizer test vectors ({@code models/ggml-vocab-*.gguf.inp/.out}) with the rules of its
 * {@code tests/test-tokenizer-0.cpp}: add_special = false, parse_special = false, ids compared exactly.
 * Detokenization is checked against what llama.cpp's {@code common_detokenize} printed for the same
 * tokens ({@code .detok}, made by {@code tools/gen-detok-vectors.py}); where that equals the input the
 * vector round-trips.
 */
class VocabVectorsTest {
    static final List<String> VOCABS = List.of("llama-spm", "phi-3", "llama-bpe", "qwen2", "gpt-2",
            "deepseek-coder", "starcoder", "refact", "mpt",
            // not in ../shared yet: run with HEARTH_VOCAB_DIR=<llama.cpp>/models
            "command-r", "deepseek-llm", "falcon", "qwen35", "gemma-4");

    @TestFactory
    Stream<DynamicTest> vectors() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String vocab : VOCABS) {
            tests.add(DynamicTest.dynamicTest(vocab, () -> checkVocab(vocab)));
        }
        return tests.stream();
    }

    private static void checkVocab(String name) {
        assumeTrue(TestVocabs.gguf(name) != null, "vocabulary " + name + " is not available");
        Tokenizer tok = TestVocabs.tokenizer(name);
        List<String> inputs = TestVocabs.splitVectors(TestVocabs.read("ggml-vocab-" + name + ".gguf.inp"));
        String[] outLines = TestVocabs.read("ggml-vocab-" + name + ".gguf.out").split("\n", -1);
        List<String> detok = TestVocabs.splitVectors(TestVocabs.read("ggml-vocab-" + name + ".gguf.detok"));
        assertThat(inputs).hasSize(detok.size());

        List<String> failures = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            String input = inputs.get(i);
            int[] expected = TestVocabs.parseIds(outLines[i]);
            int[] actual = tok.encode(input, false, false);
            if (!Arrays.equals(expected, actual)) {
                failures.add("encode " + show(input) + "\n   expected " + Arrays.toString(expected) + "\n   actual   " + Arrays.toString(actual));
            }
            String decoded = tok.decode(expected);
            if (!decoded.equals(detok.get(i))) {
                failures.add("decode " + show(input) + "\n   expected " + show(detok.get(i)) + "\n   actual   " + show(decoded));
            }
        }
        assertThat(failures).as(name + ": " + failures.size() + " failures of " + inputs.size() + " vectors").isEmpty();
    }

    static String show(String s) {
        return "'" + s.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r") + "'";
    }
}
