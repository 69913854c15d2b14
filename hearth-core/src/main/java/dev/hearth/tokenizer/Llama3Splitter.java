package dev.hearth.tokenizer;

/**
 * The Llama-3 pre-tokenizer regex and its Qwen2 / Qwen3.5 relatives written out by hand, with the
 * exact behaviour of llama.cpp's {@code unicode_regex_split_custom_llama3}, {@code _qwen2} and
 * {@code _qwen35}:
 * <pre>
 * llama3: (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
 * qwen2:  the same with \p{N} (one digit per word)
 * qwen35: qwen2 with [\p{L}\p{M}] in place of \p{L} (combining marks stay with their letters)
 * </pre>
 */
final class Llama3Splitter extends PieceSplitter {
    private final int maxDigits;
    private final boolean marksAreLetters;

    private Llama3Splitter(int maxDigits, boolean marksAreLetters) {
        this.maxDigits = maxDigits;
        this.marksAreLetters = marksAreLetters;
    }

    static Llama3Splitter llama3() { return new Llama3Splitter(3, false); }
    static Llama3Splitter qwen2() { return new Llama3Splitter(1, false); }
    static Llama3Splitter qwen35() { return new Llama3Splitter(1, true); }

    private boolean wordChar(int f) {
        return isLetter(f) || (marksAreLetters && isMark(f));
    }

    @Override
    void splitPiece(Cursor c) {
        for (int pos = c.ini; pos < c.end; ) {
            int cpt = c.cpt(pos);
            int flags = c.flags(pos);

            // (?i:'s|'t|'re|'ve|'m|'ll|'d)
            if (cpt == '\'' && pos + 1 < c.end) {
                int next = UnicodeFlags.toLowerForContraction(c.cpt(pos + 1));
                if (next == 's' || next == 't' || next == 'm' || next == 'd') {
                    pos += c.add(pos + 2);
                    continue;
                }
                if (pos + 2 < c.end) {
                    int next2 = UnicodeFlags.toLowerForContraction(c.cpt(pos + 2));
                    if ((next == 'r' && next2 == 'e') || (next == 'v' && next2 == 'e') || (next == 'l' && next2 == 'l')) {
                        pos += c.add(pos + 3);
                        continue;
                    }
                }
            }

            // [^\r\n\p{L}\p{N}]?\p{L}+  (one leading non-letter, e.g. the space, joins the word)
            if (!(cpt == '\r' || cpt == '\n' || isNumber(flags))) {
                if (wordChar(flags) || wordChar(c.flags(pos + 1))) {
                    pos++;
                    while (wordChar(c.flags(pos))) pos++;
                    c.add(pos);
                    continue;
                }
            }

            // \p{N}{1,maxDigits}
            if (isNumber(flags)) {
                int ini = pos;
                while (isNumber(c.flags(pos))) {
                    if (++pos - ini >= maxDigits) {
                        c.add(pos);
                        ini = pos;
                    }
                }
                c.add(pos);
                continue;
            }

            // ' ?[^\s\p{L}\p{N}]+[\r\n]*'  (llama.cpp tests the first code point's flags for "inside the piece")
            int flags2 = cpt == ' ' ? c.flags(pos + 1) : flags;
            if (isOther(flags2) && flags != 0) {
                if (cpt == ' ') pos++;
                while (isOther(flags2) && flags2 != 0) flags2 = c.flags(++pos);
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
            // \s*[\r\n]+
            if (lastLineBreakEnd > 0) {
                pos = lastLineBreakEnd;
                c.add(pos);
                continue;
            }
            // \s+(?!\S)
            if (spaces > 1 && c.cpt(pos + spaces) != OUT_OF_RANGE) {
                pos += spaces - 1;
                c.add(pos);
                continue;
            }
            // \s+
            if (spaces > 0) {
                pos += spaces;
                c.add(pos);
                continue;
            }
            c.add(++pos);
        }
    }

    private boolean isOther(int f) {
        int excluded = UnicodeFlags.WHITESPACE | UnicodeFlags.LETTER | UnicodeFlags.NUMBER
                | (marksAreLetters ? UnicodeFlags.ACCENT_MARK : 0);
        return (f & excluded) == 0;
    }
}
