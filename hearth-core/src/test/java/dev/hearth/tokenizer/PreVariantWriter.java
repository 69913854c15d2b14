package dev.hearth.tokenizer;

import dev.hearth.gguf.GgufFile;
import dev.hearth.gguf.GgufValueType;
import dev.hearth.gguf.GgufWriter;

import java.nio.file.Path;
import java.util.Map;

/**
 * Copies a vocabulary GGUF with {@code tokenizer.ggml.pre} replaced, so one real BPE vocabulary can be
 * run through every pre-tokenizer llama.cpp knows, by Hearth and by llama.cpp alike
 * ({@code tools/gen-pre-vectors.sh}). Usage: {@code PreVariantWriter SRC.gguf PRE DST.gguf}.
 */
public final class PreVariantWriter {
    public static void write(Path src, String pre, Path dst) {
        try (GgufFile g = GgufFile.open(src)) {
            GgufWriter w = new GgufWriter();
            for (Map.Entry<String, Object> e : g.metadata().entrySet()) {
                if (e.getKey().equals("tokenizer.ggml.pre")) continue;
                w.put(e.getKey(), g.metadataType(e.getKey()), e.getValue());
            }
            w.put("tokenizer.ggml.pre", GgufValueType.STRING, pre);
            w.write(dst);
        }
    }

    public static void main(String[] args) {
        write(Path.of(args[0]), args[1], Path.of(args[2]));
    }
}
