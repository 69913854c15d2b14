package dev.hearth.tokenizer;

/**
 * GPT-2's pre-tokenizer regex {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)}
 * written out by hand, with the exact behaviour of llama.cpp's {@code unicode_regex_split_custom_gpt2}
 * (which, like the regex engines it replaces, leaves a lone whitespace before a non-space as its own word).
 */
final class Gpt2Splitter extends PieceSplitter {
    @Override
    void splitPiece(Cursor c) {
        for (int pos = c.ini; pos < c.end; ) {
            int cpt = c.cpt(pos);
            int flags = c.flags(pos);

            // 's|'t|'re|'ve|'m|'ll|'d
            if (cpt == '\'' && pos + 1 < c.end) {
                int next = c.cpt(pos + 1);
                if (next == 's' || next == 't' || next == 'm' || next == 'd') {
                    pos += c.add(pos + 2);
                    continue;
                }
                if (pos + 2 < c.end) {
                    int next2 = c.cpt(pos + 2);
                    if ((next == 'r' && next2 == 'e') || (next == 'v' && next2 == 'e') || (next == 'l' && next2 == 'l')) {
                        pos += c.add(pos + 3);
                        continue;
                    }
                }
            }

            int flags2 = cpt == ' ' ? c.flags(pos + 1) : flags;
            // ' ?\p{L}+'
            if (isLetter(flags2)) {
                if (cpt == ' ') pos++;
                while (isLetter(flags2)) flags2 = c.flags(++pos);
                c.add(pos);
                continue;
            }
            // ' ?\p{N}+'
            if (isNumber(flags2)) {
                if (cpt == ' ') pos++;
                while (isNumber(flags2)) flags2 = c.flags(++pos);
                c.add(pos);
                continue;
            }
            // ' ?[^\s\p{L}\p{N}]+'
            if (isOther(flags2)) {
                if (cpt == ' ') pos++;
                while (isOther(flags2)) flags2 = c.flags(++pos);
                c.add(pos);
                continue;
            }

            int spaces = 0;
            while (isSpace(c.flags(pos + spaces))) spaces++;
            // '\s+(?!\S)': leave the last space to start the next word
            if (spaces > 1 && c.cpt(pos + spaces) != OUT_OF_RANGE) {
                pos += spaces - 1;
                c.add(pos);
                continue;
            }
            // '\s+'
            if (spaces > 0) {
                pos += spaces;
                c.add(pos);
                continue;
            }
            c.add(++pos); // no match: a word of its own
        }
    }

    /** Neither space, letter nor number, and inside the piece (flags 0 means "outside"). */
    private static boolean isOther(int f) {
        return (f & (UnicodeFlags.WHITESPACE | UnicodeFlags.LETTER | UnicodeFlags.NUMBER)) == 0 && f != 0;
    }
}
