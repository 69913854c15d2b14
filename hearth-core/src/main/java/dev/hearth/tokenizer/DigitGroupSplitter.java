package dev.hearth.tokenizer;

/**
 * Splits runs of digits into groups of three counted from the right (1234567 → 1 234 567) and leaves
 * the text between them whole: llama.cpp's {@code unicode_regex_split_custom_afmoe}, which it uses for
 * AFMoE's {@code \p{AFMoE_digits}} and for Tiny Aya's {@code \d{1,3}(?=(?:\d{3})*\b)}.
 */
final class DigitGroupSplitter extends PieceSplitter {
    @Override
    void splitPiece(Cursor c) {
        for (int pos = c.ini; pos < c.end; ) {
            if (isNumber(c.flags(pos))) {
                int start = pos;
                while (pos < c.end && isNumber(c.flags(pos))) pos++;
                int count = pos - start;
                int current = start;
                int remainder = count % 3;
                if (remainder > 0) {
                    c.add(current + remainder);
                    current += remainder;
                }
                while (current < start + count) {
                    c.add(current + 3);
                    current += 3;
                }
                continue;
            }
            pos++;
        }
        if (c.prevEnd < c.end) c.add(c.end);
    }
}
