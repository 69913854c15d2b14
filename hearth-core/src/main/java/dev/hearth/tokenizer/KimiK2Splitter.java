package dev.hearth.tokenizer;

/**
 * Kimi-K2's pre-tokenizer (tokenization_kimi.py), written out by hand with the behaviour of llama.cpp's
 * {@code unicode_regex_split_custom_kimi_k2}: runs of Han ideographs are words of their own, other
 * letters form words as in GPT-4o's pattern, numbers go in groups of up to three.
 */
final class KimiK2Splitter extends PieceSplitter {
    @Override
    void splitPiece(Cursor c) {
        for (int pos = c.ini; pos < c.end; ) {
            int cpt = c.cpt(pos);
            int flags = c.flags(pos);

            if (UnicodeFlags.isHan(cpt)) { // [\p{Han}]+
                while (UnicodeFlags.isHan(c.cpt(pos))) pos++;
                c.add(pos);
                continue;
            }

            boolean leadingCandidate = !(cpt == '\r' || cpt == '\n' || isLetter(flags) || isNumber(flags));
            boolean letterPattern = (isLetter(flags) && !UnicodeFlags.isHan(cpt))
                    || (leadingCandidate && isLetter(c.flags(pos + 1)) && !UnicodeFlags.isHan(c.cpt(pos + 1)));
            if (letterPattern) {
                boolean hasLeading = false;
                if (leadingCandidate) {
                    hasLeading = true;
                    pos++;
                }
                boolean hasLetters = false;
                while (nonHanLetter(c, pos)) {
                    hasLetters = true;
                    pos++;
                }
                if (hasLetters || (!hasLeading && nonHanLetter(c, pos))) {
                    if (!hasLetters) pos++;
                    while (nonHanLetter(c, pos)) pos++;
                    // optional (?i:'s|'t|'re|'ve|'m|'ll|'d)
                    if (c.cpt(pos) == '\'' && pos + 1 < c.end) {
                        int next = UnicodeFlags.toLowerForContraction(c.cpt(pos + 1));
                        if (next == 's' || next == 't' || next == 'm' || next == 'd') {
                            pos += 2;
                        } else if (pos + 2 < c.end) {
                            int next2 = UnicodeFlags.toLowerForContraction(c.cpt(pos + 2));
                            if ((next == 'r' && next2 == 'e') || (next == 'v' && next2 == 'e') || (next == 'l' && next2 == 'l')) pos += 3;
                        }
                    }
                    c.add(pos);
                    continue;
                } else if (hasLeading) {
                    pos--;
                }
            }

            if (isNumber(flags)) { // \p{N}{1,3}
                int ini = pos;
                while (isNumber(c.flags(pos))) {
                    if (++pos - ini >= 3) {
                        c.add(pos);
                        ini = pos;
                    }
                }
                c.add(pos);
                continue;
            }

            int flags2 = cpt == ' ' ? c.flags(pos + 1) : flags; // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
            if (isOther(flags2)) {
                if (cpt == ' ') pos++;
                while (isOther(flags2)) flags2 = c.flags(++pos);
                int cpt2 = c.cpt(pos);
                while (cpt2 == '\r' || cpt2 == '\n') cpt2 = c.cpt(++pos);
                c.add(pos);
                continue;
            }

            int spaces = 0;
            int lastLineBreakEnd = 0;
            while (isSpace(c.flags(pos + spaces))) {
                int cpt2 = c.cpt(pos + spaces);
                if (cpt2 == '\r' || cpt2 == '\n') lastLineBreakEnd = pos + spaces + 1;
                spaces++;
            }
            if (lastLineBreakEnd > 0) {
                pos = lastLineBreakEnd;
                c.add(pos);
                continue;
            }
            if (spaces > 1 && c.cpt(pos + spaces) != OUT_OF_RANGE) {
                pos += spaces - 1;
                c.add(pos);
                continue;
            }
            if (spaces > 0) {
                pos += spaces;
                c.add(pos);
                continue;
            }
            c.add(++pos);
        }
    }

    private static boolean nonHanLetter(Cursor c, int pos) {
        return isLetter(c.flags(pos)) && !UnicodeFlags.isHan(c.cpt(pos));
    }

    private static boolean isOther(int f) {
        return (f & (UnicodeFlags.WHITESPACE | UnicodeFlags.LETTER | UnicodeFlags.NUMBER)) == 0 && f != 0;
    }
}
