package dev.hearth.tokenizer;

/**
 * Base of the hand-written splitters (llama.cpp's {@code unicode_regex_split_custom_*} family): it
 * walks the input pieces and gives each to {@link #splitPiece}, with helpers that answer "nothing"
 * outside the current piece, as llama.cpp's {@code _get_cpt}/{@code _get_flags} do.
 */
abstract class PieceSplitter implements SplitStep {
    static final int OUT_OF_RANGE = -1;

    @Override
    public final void split(int[] cps, IntList pieces, IntList out) {
        int start = 0;
        for (int i = 0; i < pieces.size(); i++) {
            int len = pieces.get(i);
            if (len > 0) new Cursor(cps, start, start + len, out).run(this);
            start += len;
        }
    }

    abstract void splitPiece(Cursor c);

    /** The state of one piece: its bounds, and where the last emitted word ended. */
    static final class Cursor {
        final int[] cps;
        final int ini, end;
        final IntList out;
        int prevEnd;

        Cursor(int[] cps, int ini, int end, IntList out) {
            this.cps = cps;
            this.ini = ini;
            this.end = end;
            this.out = out;
            this.prevEnd = ini;
        }

        void run(PieceSplitter s) { s.splitPiece(this); }

        int cpt(int pos) { return pos >= ini && pos < end ? cps[pos] : OUT_OF_RANGE; }

        int flags(int pos) { return pos >= ini && pos < end ? UnicodeFlags.of(cps[pos]) : 0; }

        /** Emits the word from the previous end to {@code to}; returns its length. */
        int add(int to) {
            int len = to - prevEnd;
            if (len > 0) out.add(len);
            prevEnd = to;
            return len;
        }
    }

    static boolean isLetter(int f) { return (f & UnicodeFlags.LETTER) != 0; }
    static boolean isNumber(int f) { return (f & UnicodeFlags.NUMBER) != 0; }
    static boolean isSpace(int f) { return (f & UnicodeFlags.WHITESPACE) != 0; }
    static boolean isMark(int f) { return (f & UnicodeFlags.ACCENT_MARK) != 0; }
}
