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
        for (int id : vocab.specialTokensByLength()) {
            int attr = vocab.attr(id);
            if (!parseSpecial && (attr & (TokenAttr.CONTROL | TokenAttr.UNKNOWN)) != 0) continue;
            String special = vocab.text(id);
            if (text.indexOf(special) < 0) continue; // cheap rejection: most special tokens never occur
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
            int match = text.indexOf(special, cur);
            if (match < 0 || match + special.length() > end) {
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

    /** C's isspace in the "C" locale, which llama.cpp uses on bytes. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }
}
