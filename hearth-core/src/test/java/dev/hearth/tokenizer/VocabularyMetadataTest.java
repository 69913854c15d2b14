package dev.hearth.tokenizer;

import dev.hearth.gguf.GgufFile;
import dev.hearth.gguf.GgufValueType;
import dev.hearth.gguf.GgufWriter;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Special ids and the end-of-generation set against what llama.cpp reports for the same files. */
class VocabularyMetadataTest {

    /** {@code special-tokens.txt}: llama.cpp's print_info lines per vocabulary (tools/gen-vocab-info.sh). */
    @TestFactory
    Stream<DynamicTest> specialTokensMatchLlamaCpp() {
        Map<String, List<String>> expected = new LinkedHashMap<>();
        String current = null;
        for (String line : TestVocabs.read("special-tokens.txt").split("\n")) {
            if (line.startsWith("== ")) expected.put(current = line.substring(3), new ArrayList<>());
            else if (!line.isBlank()) expected.get(current).add(line);
        }
        List<DynamicTest> tests = new ArrayList<>();
        expected.forEach((name, lines) -> tests.add(DynamicTest.dynamicTest(name, () -> {
            assumeTrue(TestVocabs.gguf(name) != null, name + " not available");
            Tokenizer tok = TestVocabs.tokenizer(name);
            assertThat(describe(tok)).isEqualTo(lines);
        })));
        return tests.stream();
    }

    /** The same lines llama.cpp's print_info writes, in its order. */
    static List<String> describe(Tokenizer tok) {
        Vocabulary v = tok.vocabulary();
        Map<String, Integer> ids = new LinkedHashMap<>();
        ids.put("BOS", v.bos()); ids.put("EOS", v.eos()); ids.put("EOT", v.eot()); ids.put("EOM", v.eom());
        ids.put("UNK", v.unk()); ids.put("SEP", v.sep()); ids.put("PAD", v.pad()); ids.put("MASK", v.mask());
        ids.put("LF", tok.newlineToken());
        ids.put("FIM PRE", v.fimPre()); ids.put("FIM SUF", v.fimSuf()); ids.put("FIM MID", v.fimMid());
        ids.put("FIM PAD", v.fimPad()); ids.put("FIM REP", v.fimRep()); ids.put("FIM SEP", v.fimSep());
        List<String> out = new ArrayList<>();
        ids.forEach((k, id) -> { if (id != Vocabulary.NONE) out.add(k + " " + id); });
        for (int id : v.eogIds()) out.add("EOG " + id);
        return out;
    }

    @Test
    void llama3TokensAreRecognisedByText() {
        assumeTrue(TestVocabs.gguf("llama-bpe") != null, "llama-bpe not available");
        Tokenizer tok = TestVocabs.tokenizer("llama-bpe");
        Vocabulary v = tok.vocabulary();
        assertThat(v.text(v.eot())).isEqualTo("<|eot_id|>");
        assertThat(tok.isEog(128009)).isTrue();
        assertThat(tok.isEog(128000)).isFalse();
        assertThat(v.addBos()).isTrue();
        assertThat(v.preTokenizer()).isEqualTo(PreTokenizerType.LLAMA3);
        // control tokens are parsed only when asked, and rendered only when asked
        assertThat(tok.encode("<|eot_id|>", false, true)).containsExactly(128009);
        assertThat(tok.encode("<|eot_id|>", false, false)).hasSizeGreaterThan(1);
        assertThat(tok.decode(new int[]{9906, 128009}, false, true)).isEqualTo("Hello<|eot_id|>");
        assertThat(tok.decode(new int[]{9906, 128009}, false, false)).isEqualTo("Hello");
        assertThat(tok.piece(128009, false)).isEmpty();
        assertThat(new String(tok.piece(128009, true), StandardCharsets.UTF_8)).isEqualTo("<|eot_id|>");
    }

    @Test
    void bertIsRefusedWithAClearMessage() {
        Path bert = TestVocabs.gguf("bert-bge");
        assumeTrue(bert != null, "bert-bge not available");
        try (GgufFile g = GgufFile.open(bert)) {
            assertThatThrownBy(() -> Tokenizer.load(g))
                    .isInstanceOf(UnsupportedTokenizerException.class)
                    .hasMessageContaining("bert").hasMessageContaining("embedding");
        }
    }

    @Test
    void otherModelsAreNamedInTheError(@TempDir Path dir) {
        for (String model : List.of("t5", "rwkv", "plamo2", "something-new")) {
            Path p = dir.resolve(model + ".gguf");
            tinyVocab(model, null).write(p);
            try (GgufFile g = GgufFile.open(p)) {
                assertThatThrownBy(() -> Tokenizer.load(g)).isInstanceOf(UnsupportedTokenizerException.class).hasMessageContaining(model);
            }
        }
    }

    @Test
    void unknownPreTokenizerWarnsAndUsesTheDefault(@TempDir Path dir) {
        Path p = dir.resolve("v.gguf");
        tinyVocab("gpt2", "brand-new-model").write(p);
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        Tokenizer tok;
        try (GgufFile g = GgufFile.open(p)) {
            tok = Tokenizer.load(g);
        } finally {
            System.setErr(saved);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown pre-tokenizer").contains("brand-new-model");
        assertThat(tok.vocabulary().preTokenizer()).isEqualTo(PreTokenizerType.DEFAULT);
        // tokens: a b ab Ġ Ġa ; merges: a b, Ġ a
        assertThat(tok.encode("ab a", false, false)).containsExactly(2, 4);
        assertThat(tok.decode(new int[]{2, 4})).isEqualTo("ab a");
    }

    /** A five-token byte-level vocabulary: a, b, ab, Ġ (space), Ġa. */
    static GgufWriter tinyVocab(String model, String pre) {
        GgufWriter w = new GgufWriter();
        w.putString("general.architecture", "llama");
        w.putString("tokenizer.ggml.model", model);
        if (pre != null) w.putString("tokenizer.ggml.pre", pre);
        w.putStrings("tokenizer.ggml.tokens", new String[]{"a", "b", "ab", "\u0120", "\u0120a"});
        w.putInts("tokenizer.ggml.token_type", new int[]{1, 1, 1, 1, 1});
        w.putStrings("tokenizer.ggml.merges", new String[]{"a b", "\u0120 a"});
        w.putU32("tokenizer.ggml.bos_token_id", 0);
        w.putU32("tokenizer.ggml.eos_token_id", 1);
        return w;
    }
}
