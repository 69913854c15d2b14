package dev.hearth.tokenizer;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class StreamingDetokenizerTest {

    @Test
    void spmByteTokensAreHeldUntilTheCharacterIsComplete() {
        Tokenizer tok = TestVocabs.tokenizer("llama-spm");
        int[] ids = tok.encode("🦙", false, false);
        // '▁' then the four byte tokens <0xF0><0x9F><0xA6><0x99>
        assertThat(ids).hasSize(5);
        assertThat(tok.vocabulary().isByte(ids[1])).isTrue();
        StreamingDetokenizer s = tok.streamingDetokenizer(false);
        List<String> out = new ArrayList<>();
        for (int id : ids) out.add(s.push(id));
        assertThat(out).containsExactly(" ", "", "", "", "🦙");
        assertThat(s.pendingBytes()).isZero();
    }

    @Test
    void bpePiecesThatCutACharacterAreJoined() {
        assumeTrue(TestVocabs.gguf("llama-bpe") != null, "llama-bpe not available");
        Tokenizer tok = TestVocabs.tokenizer("llama-bpe");
        String text = " this is 🦙.cpp and 你好, 😶‍🌫️!";
        int[] ids = tok.encode(text, false, false);
        StreamingDetokenizer s = tok.streamingDetokenizer(false);
        StringBuilder all = new StringBuilder();
        boolean heldSomething = false;
        for (int id : ids) {
            String part = s.push(id);
            assertThat(part).doesNotContain("\uFFFD");
            heldSomething |= s.pendingBytes() > 0;
            all.append(part);
        }
        all.append(s.flush());
        assertThat(heldSomething).as("some token ended inside a character").isTrue();
        assertThat(all.toString()).isEqualTo(text);
    }

    @Test
    void sequenceStartStripsTheSpmSpaceAndSpecialsAreRenderedOnRequest() {
        Tokenizer tok = TestVocabs.tokenizer("llama-spm");
        int[] ids = tok.encode("Hello world", true, false); // BOS ▁Hello ▁world
        StreamingDetokenizer plain = StreamingDetokenizer.fromSequenceStart(tok, false);
        StringBuilder a = new StringBuilder();
        for (int id : ids) a.append(plain.push(id));
        // as llama_detokenize: the BOS (rendered as nothing) uses up the leading-space strip
        assertThat(a.toString()).isEqualTo(tok.decode(ids, false, false)).isEqualTo(" Hello world");

        int[] noBos = tok.encode("Hello world", false, false);
        StreamingDetokenizer s2 = StreamingDetokenizer.fromSequenceStart(tok, false);
        StringBuilder b = new StringBuilder();
        for (int id : noBos) b.append(s2.push(id));
        assertThat(b.toString()).isEqualTo("Hello world");

        StreamingDetokenizer special = tok.streamingDetokenizer(true);
        assertThat(special.push(tok.bos())).isEqualTo("<s>");
        assertThat(tok.streamingDetokenizer(false).push(tok.bos())).isEmpty();
    }

    @Test
    void streamEqualsTheConcatenatedPiecesForEveryVector() {
        for (String name : VocabVectorsTest.VOCABS) {
            if (TestVocabs.gguf(name) == null) continue;
            Tokenizer tok = TestVocabs.tokenizer(name);
            for (String input : TestVocabs.splitVectors(TestVocabs.read("ggml-vocab-" + name + ".gguf.inp"))) {
                int[] ids = tok.encode(input, false, false);
                ByteArrayOutputStream pieces = new ByteArrayOutputStream();
                for (int id : ids) pieces.writeBytes(tok.piece(id, true));
                String expected = pieces.toString(StandardCharsets.UTF_8);
                StreamingDetokenizer s = tok.streamingDetokenizer(true);
                StringBuilder got = new StringBuilder();
                for (int id : ids) {
                    String part = s.push(id);
                    if (!expected.contains("\uFFFD")) assertThat(part).as(name + " " + VocabVectorsTest.show(input)).doesNotContain("\uFFFD");
                    got.append(part);
                }
                got.append(s.flush());
                assertThat(got.toString()).as(name + " " + VocabVectorsTest.show(input)).isEqualTo(expected);
                if (!tok.vocabulary().cleanSpaces()) { // then decode is the pieces, less the SPM leading space
                    boolean strip = tok.vocabulary().addSpacePrefix() && expected.startsWith(" ");
                    assertThat(tok.decode(ids, false, true)).isEqualTo(strip ? expected.substring(1) : expected);
                }
            }
        }
    }

    @Test
    void forSequenceMatchesDecodeForEveryFlagCombination() {
        for (String name : List.of("llama-spm", "phi-3", "qwen2", "deepseek-coder")) { // vocabularies without clean_spaces
            if (TestVocabs.gguf(name) == null) continue;
            Tokenizer tok = TestVocabs.tokenizer(name);
            assertThat(tok.vocabulary().cleanSpaces()).isFalse();
            for (String input : TestVocabs.splitVectors(TestVocabs.read("ggml-vocab-" + name + ".gguf.inp"))) {
                int[] ids = tok.encode(input, true, false);
                for (boolean removeSpecial : new boolean[]{false, true}) {
                    for (boolean unparseSpecial : new boolean[]{false, true}) {
                        StreamingDetokenizer s = StreamingDetokenizer.forSequence(tok, removeSpecial, unparseSpecial);
                        StringBuilder got = new StringBuilder();
                        for (int id : ids) got.append(s.push(id));
                        got.append(s.flush());
                        // (none of these vocabularies adds EOS, which a stream could not drop)
                        assertThat(got.toString()).as(name + " " + VocabVectorsTest.show(input) + " rs=" + removeSpecial + " us=" + unparseSpecial)
                                .isEqualTo(tok.decode(ids, removeSpecial, unparseSpecial));
                    }
                }
            }
        }
    }

    @Test
    void completePrefixHoldsOnlyUnfinishedSequences() {
        assertThat(StreamingDetokenizer.completePrefix("ab".getBytes(StandardCharsets.UTF_8))).isEqualTo(2);
        assertThat(StreamingDetokenizer.completePrefix(new byte[]{'a', (byte) 0xE4, (byte) 0xBD})).isEqualTo(1);
        assertThat(StreamingDetokenizer.completePrefix(new byte[]{(byte) 0xE4, (byte) 0xBD, (byte) 0xA0})).isEqualTo(3);
        assertThat(StreamingDetokenizer.completePrefix(new byte[]{'a', (byte) 0xF0, (byte) 0x9F, (byte) 0xA6})).isEqualTo(1);
        // a stray continuation byte can never complete: released
        assertThat(StreamingDetokenizer.completePrefix(new byte[]{'a', (byte) 0x80})).isEqualTo(2);
    }

    @Test
    void pieceRendersByteTokensAndSpmSpaces() {
        Tokenizer tok = TestVocabs.tokenizer("llama-spm");
        int nl = tok.vocabulary().id("<0x0A>");
        assumeTrue(nl >= 0);
        assertThat(tok.piece(nl, false)).containsExactly('\n');
        assertThat(new String(tok.piece(tok.vocabulary().id("▁Hello"), false), StandardCharsets.UTF_8)).isEqualTo(" Hello");
    }
}
