package dev.hearth.tokenizer;

/** {@code [^\n]+|[\n]+}: runs of newlines and runs of everything else (llama.cpp's {@code _custom_newlines}). */
final class NewlineSplitter extends PieceSplitter {
    @Override
    void splitPiece(Cursor c) {
        int pos = c.ini;
        while (pos < c.end) {
            boolean newline = c.cps[pos] == '\n';
            while (pos < c.end && (c.cps[pos] == '\n') == newline) pos++;
            c.add(pos);
        }
    }
}
