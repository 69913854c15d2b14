package dev.hearth.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts text into raw-text fragments and whole special tokens before the real tokenizer runs
 * (llama.cpp's {@code tokenizer_st_partition}). Special tokens are tried longest first; each one
 * splits every raw fragment that contains it. Control and unknown tokens are only matched when the
 * caller parses specials; user-defined tokens always are. Tokens with the LSTRIP / RSTRIP attribute
 * swallow the ASCII whitespace before / after them.
 */
final class SpecialTokenPartitioner {
    /** A piece of the input: a token id, or raw text [start, end) when {@code token} is -1. */
    record Fragment(int token, int start, int end) {
        boolean isText() { return token < 0; }
    }

    private SpecialTokenPartitioner() {}

    static List<Fragment> partition(Vocabulary vocab, String text, boolean parseSpecial) {
        List<Fragment> fragments = new ArrayList<>();
        if (text.isEmpty()) return fragments;
        fragments.add(new Fragment(-1, 0, text.length()));
        int[] candidates = occurring(vocab, text, parseSpecial);
        for (int id : candidates) {
            int attr = vocab.attr(id);
            String special = vocab.text(id);
            List<Fragment> next = new ArrayList<>(fragments.size() + 4);
            for (Fragment f : fragments) {
                if (!f.isText()) {
                    next.add(f);
                    continue;
                }
                splitFragment(text, f.start(), f.end(), id, special, attr, next);
            }
            fragments = next;
        }
        return fragments;
    }

    private static void splitFragment(String text, int start, int end, int id, String special, int attr, List<Fragment> out) {
        int cur = start;
        while (true) {
            int match = text.indexOf(special, cur, end); // only occurrences lying wholly inside the fragment
            if (match < 0) {
                if (cur < end) out.add(new Fragment(-1, cur, end));
                return;
            }
            int leftEnd = match;
            if ((attr & TokenAttr.LSTRIP) != 0) {
                while (leftEnd > cur && isSpace(text.charAt(leftEnd - 1))) leftEnd--;
            }
            if (leftEnd > cur) out.add(new Fragment(-1, cur, leftEnd));
            out.add(new Fragment(id, match, match + special.length()));
            cur = match + special.length();
            if ((attr & TokenAttr.RSTRIP) != 0) {
                while (cur < end && isSpace(text.charAt(cur))) cur++;
            }
            if (cur >= end) return;
        }
    }

    /**
     * The special tokens to try, in llama.cpp's order, restricted to those that occur in the text at all.
     * A Llama-3 vocabulary has 256 special tokens, nearly all starting with "&lt;|"; instead of one
     * substring search of the whole text per token, the text is scanned once per distinct first character
     * and each position is checked against the tokens starting with that character and the next one.
     */
    private static int[] occurring(Vocabulary vocab, String text, boolean parseSpecial) {
        int[] order = vocab.specialTokensByLength();
        java.util.Map<Integer, List<Integer>> byPrefix = new java.util.HashMap<>();
        java.util.BitSet present = new java.util.BitSet();
        for (int id : order) {
            if (!parseSpecial && (vocab.attr(id) & (TokenAttr.CONTROL | TokenAttr.UNKNOWN)) != 0) continue;
            String t = vocab.text(id);
            if (t.length() < 2) {
                if (text.indexOf(t) >= 0) present.set(id);
            } else {
                byPrefix.computeIfAbsent((t.charAt(0) << 16) | t.charAt(1), k -> new ArrayList<>()).add(id);
            }
        }
        java.util.BitSet firstChars = new java.util.BitSet(1 << 16);
        for (int key : byPrefix.keySet()) firstChars.set(key >>> 16);
        for (int c0 = firstChars.nextSetBit(0); c0 >= 0; c0 = firstChars.nextSetBit(c0 + 1)) {
            for (int i = text.indexOf(c0); i >= 0 && i + 1 < text.length(); i = text.indexOf(c0, i + 1)) {
                List<Integer> ids = byPrefix.get((c0 << 16) | text.charAt(i + 1));
                if (ids == null) continue;
                for (int id : ids) {
                    if (!present.get(id) && text.startsWith(vocab.text(id), i)) present.set(id);
                }
            }
        }
        int[] out = new int[present.cardinality()];
        int n = 0;
        for (int id : order) if (present.get(id)) out[n++] = id;
        return out;
    }

    /** C's isspace in the "C" locale, which llama.cpp uses on bytes. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }
}
