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
 * Strings beyond llama.cpp's own vectors (code, emoji, CJK, numbers, whitespace runs, scripts with
 * combining marks, special-token texts), tokenized by llama.cpp's {@code llama-tokenize}; see
 * {@code tools/gen-extra-vectors.py} for the exact commands. {@code .extra}: add_special = false,
 * parse_special = false. {@code .extra-special}: add_special = the vocabulary's add_bos, parse_special = true.
 * {@code .fuzz}: 120 seeded random mixtures of scripts, whitespace kinds, digits, emoji and special-token
 * texts ({@code tools/gen-fuzz-vectors.py}), add_special = false, parse_special = true.
 */
class ExtraVectorsTest {
    static final List<String> VOCABS = List.of("llama-spm", "phi-3", "llama-bpe", "qwen2", "gpt-2",
            "deepseek-coder", "starcoder", "refact", "mpt", "gpt-neox", "baichuan",
            "command-r", "deepseek-llm", "falcon", "qwen35", "gemma-4");

    @TestFactory
    Stream<DynamicTest> extraVectors() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String vocab : VOCABS) {
            tests.add(DynamicTest.dynamicTest(vocab + " plain", () -> check(vocab, "extra", false)));
            tests.add(DynamicTest.dynamicTest(vocab + " special", () -> check(vocab, "extra-special", true)));
        }
        for (String vocab : List.of("llama-bpe", "llama-spm", "qwen2", "phi-3")) {
            tests.add(DynamicTest.dynamicTest(vocab + " fuzz", () -> check(vocab, "fuzz", null)));
        }
        for (String vocab : List.of("llama-bpe", "llama-spm", "qwen2", "phi-3", "gpt-2")) {
            tests.add(DynamicTest.dynamicTest(vocab + " fuzz detokenize", () -> checkDetokenize(vocab)));
        }
        return tests.stream();
    }

    /**
     * llama.cpp's test-tokenizer-0 on the fuzz strings ({@code tools/gen-fuzz-detok.sh}): tokenize with
     * add_special = false, parse_special = false, then common_detokenize (special rendered); {@code .fuzz.detok}
     * holds what it printed. Covers clean_spaces (gpt-2, llama-bpe) and the SPM leading space.
     */
    private static void checkDetokenize(String name) {
        assumeTrue(TestVocabs.gguf(name) != null, "vocabulary " + name + " is not available");
        Tokenizer tok = TestVocabs.tokenizer(name);
        List<String> inputs = TestVocabs.splitVectors(TestVocabs.read("ggml-vocab-llama-bpe.gguf.fuzz.inp"));
        List<String> expected = TestVocabs.splitVectors(TestVocabs.read("ggml-vocab-" + name + ".gguf.fuzz.detok"));
        assertThat(expected).hasSameSizeAs(inputs);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            String got = tok.decode(tok.encode(inputs.get(i), false, false), false, true);
            if (!got.equals(expected.get(i))) {
                failures.add(VocabVectorsTest.show(inputs.get(i)) + "\n   expected " + VocabVectorsTest.show(expected.get(i)) + "\n   actual   " + VocabVectorsTest.show(got));
            }
        }
        assertThat(failures).as(name + " fuzz detokenize: " + failures.size() + " failures of " + inputs.size()).isEmpty();
    }

    /** {@code special}: true = the .extra-special rules, false = plain, null = the .fuzz rules (no BOS, parse specials). */
    private static void check(String name, String suffix, Boolean special) {
        assumeTrue(TestVocabs.gguf(name) != null, "vocabulary " + name + " is not available");
        Tokenizer tok = TestVocabs.tokenizer(name);
        List<String> inputs = TestVocabs.splitVectors(TestVocabs.read("ggml-vocab-" + name + ".gguf." + suffix + ".inp"));
        String[] outLines = TestVocabs.read("ggml-vocab-" + name + ".gguf." + suffix + ".out").split("\n", -1);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            String input = inputs.get(i);
            int[] expected = TestVocabs.parseIds(outLines[i]);
            int[] actual = special == null ? tok.encode(input, false, true)
                    : special ? tok.encode(input, tok.vocabulary().addBos(), true) : tok.encode(input, false, false);
            if (!Arrays.equals(expected, actual)) {
                failures.add(VocabVectorsTest.show(input) + "\n   expected " + Arrays.toString(expected) + "\n   actual   " + Arrays.toString(actual));
            }
        }
        assertThat(failures).as(name + " " + suffix + ": " + failures.size() + " failures of " + inputs.size()).isEmpty();
    }
}
