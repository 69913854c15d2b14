package dev.hearth.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What SentencePiece and BPE tokenizers share: special-token partitioning, token pieces and
 * llama.cpp's detokenization. Subclasses tokenize raw-text fragments.
 */
abstract sealed class AbstractTokenizer implements Tokenizer permits SpmTokenizer, BpeTokenizer {
    private static final byte[] EMPTY = new byte[0];

    final Vocabulary vocab;
    /** Every token's bytes with control tokens rendered (llama.cpp's cache_token_to_piece). */
    private final byte[][] pieces;

    AbstractTokenizer(Vocabulary vocab) {
        this.vocab = vocab;
        this.pieces = new byte[vocab.size()][];
        for (int id = 0; id < pieces.length; id++) pieces[id] = renderPiece(id);
    }

    @Override
    public Vocabulary vocabulary() { return vocab; }

    @Override
    public final int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        List<SpecialTokenPartitioner.Fragment> fragments = SpecialTokenPartitioner.partition(vocab, text, parseSpecial);
        IntList out = new IntList(Math.max(16, text.length() / 3));
        encodeFragments(text, fragments, addSpecial, out);
        return out.toArray();
    }

    abstract void encodeFragments(String text, List<SpecialTokenPartitioner.Fragment> fragments, boolean addSpecial, IntList out);

    @Override
    public byte[] tokenBytes(int id) {
        return pieces[id].clone();
    }

    @Override
    public byte[] piece(int id, boolean special) {
        if (!special && (vocab.attr(id) & (TokenAttr.UNKNOWN | TokenAttr.CONTROL)) != 0) return EMPTY;
        return pieces[id].clone();
    }

    /** The piece without copying; callers must not modify it. */
    final byte[] pieceView(int id, boolean special) {
        if (id < 0 || id >= pieces.length) throw new IllegalArgumentException("token id " + id + " is outside the vocabulary (0.." + (pieces.length - 1) + ")");
        if (!special && (vocab.attr(id) & (TokenAttr.UNKNOWN | TokenAttr.CONTROL)) != 0) return EMPTY;
        return pieces[id];
    }

    /** llama.cpp's {@code token_to_piece} with special = true, lstrip = 0. */
    private byte[] renderPiece(int id) {
        int attr = vocab.attr(id);
        String text = vocab.text(id);
        if ((attr & (TokenAttr.UNKNOWN | TokenAttr.CONTROL | TokenAttr.USER_DEFINED)) != 0) return utf8(text);
        if ((attr & TokenAttr.NORMAL) != 0) {
            if (vocab.escapeWhitespaces()) return utf8(text.replace('\u2581', ' '));
            return decodeByteLevel(text);
        }
        if ((attr & TokenAttr.BYTE) != 0) return new byte[]{(byte) byteTokenValue(text)};
        return EMPTY; // undefined and unused tokens render as nothing
    }

    /** The value of a byte token {@code <0xNN>}: hex digits from offset 3, as llama.cpp's strtol (0 if none). */
    static int byteTokenValue(String text) {
        int v = 0;
        for (int i = 3; i < Math.min(5, text.length()); i++) {
            int d = Character.digit(text.charAt(i), 16);
            if (d < 0) break;
            v = v * 16 + d;
        }
        return v & 0xFF;
    }

    /** GPT-2 byte-level text back to bytes (llama.cpp {@code llama_decode_text}, including its marker for unmapped characters). */
    private static byte[] decodeByteLevel(String text) {
        byte[] fast = new byte[text.length()];
        for (int i = 0; i < text.length(); i++) {
            int b = ByteUnicode.decode(text.charAt(i));
            if (b < 0) return decodeByteLevelSlow(text);
            fast[i] = (byte) b;
        }
        return fast;
    }

    private static byte[] decodeByteLevelSlow(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            int b = ByteUnicode.decode(cp);
            if (b >= 0) {
                out.write(b);
            } else {
                StringBuilder sb = new StringBuilder("[UNK_BYTE_0x");
                for (byte u : utf8(new String(Character.toChars(cp)))) sb.append(String.format("%02x", u & 0xFF));
                sb.append(text).append(']');
                out.writeBytes(utf8(sb.toString()));
            }
        }
        return out.toByteArray();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] decodeBytes(int[] ids, boolean removeSpecial, boolean unparseSpecial) {
        int from = 0, to = ids.length;
        boolean removeSpace = vocab.addSpacePrefix();
        if (removeSpecial && vocab.addBos() && to > from && ids[from] == vocab.bos()) {
            removeSpace = false;
            from++;
        }
        if (removeSpecial && vocab.addEos() && to > from && ids[to - 1] == vocab.eos()) to--;

        ByteArrayOutputStream out = new ByteArrayOutputStream(ids.length * 4);
        for (int i = from; i < to; i++) {
            byte[] p = pieceView(ids[i], unparseSpecial);
            int skip = removeSpace && p.length > 0 && p[0] == ' ' ? 1 : 0;
            removeSpace = false; // only the first token, even when it renders as nothing
            out.write(p, skip, p.length - skip);
        }
        byte[] text = out.toByteArray();
        return vocab.cleanSpaces() ? cleanSpaces(text) : text;
    }

    /**
     * llama.cpp's {@code clean_up_tokenization_spaces} passes on the detokenized bytes: remove the space
     * before ? ! . , ; turn " ' " into "'"; remove the space before 's 'm 're 've.
     */
    static byte[] cleanSpaces(byte[] t) {
        int n = t.length;
        // pass 1: " ?", " !", " .", " ,"
        int total = n > 0 ? 1 : 0;
        for (int i = 1; i < n; i++) {
            byte x = t[i];
            if (t[i - 1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ',')) total--;
            t[total++] = x;
        }
        // pass 2: " ' " → "'"
        n = total;
        total = n > 0 ? 1 : 0;
        for (int i = 1; i < n; i++) {
            byte x = t[i];
            if (x == '\'' && i + 1 < n && t[i - 1] == ' ' && t[i + 1] == ' ') {
                total--;
                t[++i] = 0; // as llama.cpp: the next space becomes a NUL that is then skipped over
            }
            t[total++] = x;
        }
        // pass 3: " 's", " 'm", " 're", " 've" lose their space
        n = total;
        total = n > 0 ? 1 : 0;
        for (int i = 1; i < n; i++) {
            byte x = t[i];
            if (t[i - 1] == ' ' && x == '\'' && i + 1 < n) {
                byte x1 = t[i + 1];
                if (x1 == 's' || x1 == 'm') {
                    total--;
                } else if (x1 != 't' && x1 != 'd' && i + 2 < n) {
                    byte x2 = t[i + 2];
                    if ((x1 == 'r' && x2 == 'e') || (x1 == 'v' && x2 == 'e')) total--;
                }
            }
            t[total++] = x;
        }
        return java.util.Arrays.copyOf(t, total);
    }
}
