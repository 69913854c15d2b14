package dev.hearth.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns generated token ids into text as they arrive, releasing only complete UTF-8 characters: a
 * character whose bytes are spread over several tokens (byte tokens {@code <0xE4><0xBD><0xA0>}, or
 * byte-level BPE pieces that cut a character) is held back until its last byte arrives.
 * <p>
 * Each token contributes its llama.cpp {@code token_to_piece} bytes -- what llama.cpp's server
 * streams -- with control tokens rendered or dropped as the caller asks. When
 * {@code stripLeadingSpace} is set (decoding a sequence from its start with an SPM vocabulary), the
 * first token loses one leading space, like {@code llama_detokenize}. llama.cpp's whole-text
 * {@code clean_spaces} pass is not applied to a stream, as llama.cpp's server does not apply it either.
 * Not thread-safe: one instance per stream.
 */
public final class StreamingDetokenizer {
    private final AbstractTokenizer tokenizer;
    private final boolean renderSpecial;
    private boolean stripLeadingSpace;
    /** Whether a leading BOS is still to be dropped (llama_detokenize's remove_special). */
    private boolean dropLeadingBos;
    private boolean first = true;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    StreamingDetokenizer(Tokenizer tokenizer, boolean renderSpecial, boolean stripLeadingSpace) {
        this.tokenizer = (AbstractTokenizer) tokenizer;
        this.renderSpecial = renderSpecial;
        this.stripLeadingSpace = stripLeadingSpace;
    }

    /** For decoding a whole sequence from its first token: strips the SPM leading space like {@link Tokenizer#decode}. */
    public static StreamingDetokenizer fromSequenceStart(Tokenizer tokenizer, boolean renderSpecial) {
        return new StreamingDetokenizer(tokenizer, renderSpecial, tokenizer.vocabulary().addSpacePrefix());
    }

    /**
     * A stream that yields what {@code llama_detokenize(ids, removeSpecial, unparseSpecial)} yields for
     * the whole sequence (less {@code clean_spaces}, and less a trailing EOS, which a stream cannot
     * know is trailing): with {@code removeSpecial} a leading BOS is dropped, as llama.cpp does when the
     * vocabulary adds one, and then -- as in llama.cpp -- the SPM leading space is kept.
     */
    public static StreamingDetokenizer forSequence(Tokenizer tokenizer, boolean removeSpecial, boolean unparseSpecial) {
        StreamingDetokenizer s = fromSequenceStart(tokenizer, unparseSpecial);
        s.dropLeadingBos = removeSpecial && tokenizer.vocabulary().addBos();
        return s;
    }

    /** Adds one token; returns the text it completes (possibly empty). */
    public String push(int id) {
        if (first) {
            first = false;
            if (dropLeadingBos && id == tokenizer.vocabulary().bos()) {
                stripLeadingSpace = false;
                return "";
            }
        }
        byte[] piece = tokenizer.pieceView(id, renderSpecial);
        int skip = stripLeadingSpace && piece.length > 0 && piece[0] == ' ' ? 1 : 0;
        stripLeadingSpace = false;
        pending.write(piece, skip, piece.length - skip);
        byte[] buf = pending.toByteArray();
        int complete = completePrefix(buf);
        if (complete == 0) return "";
        pending.reset();
        pending.write(buf, complete, buf.length - complete);
        return new String(buf, 0, complete, StandardCharsets.UTF_8);
    }

    /** Whatever is still held back (an unfinished character, shown as U+FFFD); the stream is then empty. */
    public String flush() {
        byte[] buf = pending.toByteArray();
        pending.reset();
        return new String(buf, StandardCharsets.UTF_8);
    }

    /** Bytes held back waiting for the rest of a character. */
    public int pendingBytes() {
        return pending.size();
    }

    /**
     * Length of the longest prefix that does not end inside an unfinished UTF-8 sequence. Only a lead
     * byte in the last three positions followed by too few continuation bytes is held back; invalid
     * bytes are released (they would never complete).
     */
    static int completePrefix(byte[] b) {
        int n = b.length;
        for (int back = 1; back <= Math.min(3, n); back++) {
            int c = b[n - back] & 0xFF;
            if ((c & 0xC0) == 0x80) continue; // continuation byte: keep looking for the lead
            int need = c >= 0xF0 && c <= 0xF7 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
            if (c >= 0xF8) need = 1;
            return need > back ? n - back : n;
        }
        return n;
    }
}
