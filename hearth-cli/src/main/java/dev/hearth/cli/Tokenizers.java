package dev.hearth.cli;

import dev.hearth.gguf.GgufFile;

/** Adapter from the CLI to the tokenizer package (text in, ids out; ids in, text out). */
final class Tokenizers {
    interface Stream {
        String next(int id);
        String flush();
    }

    interface Text {
        int[] encode(String text, boolean addSpecial, boolean parseSpecial);
        String render(int[] ids);
        boolean isEndOfGeneration(int id);
        Stream stream();
    }

    static Text load(GgufFile file) {
        throw new IllegalStateException("tokenizer not available yet");
    }

    static int[] encode(GgufFile file, String text, boolean addSpecial, boolean parseSpecial) {
        return load(file).encode(text, addSpecial, parseSpecial);
    }
}
