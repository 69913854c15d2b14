package dev.hearth.tokenizer;

import dev.hearth.gguf.GgufFile;

/**
 * Text ↔ token ids for one model vocabulary, with llama.cpp's semantics ({@code llama_tokenize},
 * {@code llama_token_to_piece}, {@code llama_detokenize}). Implementations are immutable and thread-safe.
 */
public interface Tokenizer {

    /** The tokenizer the GGUF's metadata describes: SentencePiece ({@code llama}) or byte-level BPE ({@code gpt2}). */
    static Tokenizer load(GgufFile gguf) {
        return of(Vocabulary.load(gguf));
    }

    static Tokenizer of(Vocabulary vocab) {
        return switch (vocab.type()) {
            case SPM -> new SpmTokenizer(vocab);
            case BPE -> new BpeTokenizer(vocab);
        };
    }

    Vocabulary vocabulary();

    /**
     * Token ids for {@code text}.
     *
     * @param addSpecial   add BOS/EOS as the vocabulary asks ({@code add_bos_token}, {@code add_eos_token})
     * @param parseSpecial match control tokens written in the text (e.g. {@code <|eot_id|>}) as single tokens;
     *                     user-defined tokens are always matched, as in llama.cpp
     */
    int[] encode(String text, boolean addSpecial, boolean parseSpecial);

    /** The bytes a token stands for, with control tokens rendered as their text (llama.cpp's piece cache). */
    byte[] tokenBytes(int id);

    /**
     * llama.cpp's {@code token_to_piece}: the token's bytes, or nothing for control and unknown tokens
     * unless {@code special}. SPM's '▁' is a space, byte tokens {@code <0xNN>} are their byte.
     */
    byte[] piece(int id, boolean special);

    /**
     * llama.cpp's {@code llama_detokenize} as bytes: pieces concatenated, the SPM leading space of the first
     * piece removed, and for BPE vocabularies with {@code clean_spaces} llama.cpp's space clean-up applied.
     *
     * @param removeSpecial  drop a leading BOS and trailing EOS the vocabulary adds
     * @param unparseSpecial render control tokens as their text
     */
    byte[] decodeBytes(int[] ids, boolean removeSpecial, boolean unparseSpecial);

    /** {@link #decodeBytes} as a string (invalid UTF-8, e.g. from a cut multi-byte character, becomes U+FFFD). */
    default String decode(int[] ids, boolean removeSpecial, boolean unparseSpecial) {
        return new String(decodeBytes(ids, removeSpecial, unparseSpecial), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** {@code decode(ids, false, true)}: what llama.cpp's {@code common_detokenize} returns by default. */
    default String decode(int[] ids) {
        return decode(ids, false, true);
    }

    /**
     * The newline token as llama.cpp determines it ({@code linefeed_id}): SPM's byte token for '\n',
     * otherwise the first token of "\n"; the padding token if there is none.
     */
    default int newlineToken() {
        Vocabulary v = vocabulary();
        if (v.type() == Vocabulary.Type.SPM) {
            int id = v.id("<0x0A>");
            if (id < 0) id = v.id("\n");
            return id >= 0 ? id : v.pad();
        }
        int[] ids = encode("\n", false, false);
        return ids.length > 0 ? ids[0] : v.pad();
    }

    default boolean isEog(int id) { return vocabulary().isEog(id); }
    default int bos() { return vocabulary().bos(); }
    default int eos() { return vocabulary().eos(); }
    default int eot() { return vocabulary().eot(); }
    default int vocabularySize() { return vocabulary().size(); }

    /** A decoder for a stream of generated ids that releases only complete UTF-8 characters. */
    default StreamingDetokenizer streamingDetokenizer(boolean renderSpecial) {
        return new StreamingDetokenizer(this, renderSpecial, false);
    }
}
