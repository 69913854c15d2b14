package dev.hearth.tokenizer;

import dev.hearth.gguf.GgufFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Locates the vocabulary GGUFs and test vectors. Small vocabularies and all vectors are test resources
 * ({@code src/test/resources/vocab}); the large ones (llama-bpe, qwen2, ...) are read from the shared
 * data beside the repository ({@code ../shared/models/vocab} from the repository root), which CI provides.
 * Vocabularies found in neither place (command-r, deepseek-llm, falcon, qwen35, gemma-4 so far) are skipped
 * unless the environment variable {@code HEARTH_VOCAB_DIR} names a directory holding them, e.g. llama.cpp's
 * {@code models/}.
 */
final class TestVocabs {
    static final String SEPARATOR = "\n__ggml_vocab_test__\n";
    private static final Map<String, Tokenizer> CACHE = new ConcurrentHashMap<>();

    private TestVocabs() {}

    /** The GGUF file of a vocabulary, or null when it is neither a resource nor in the shared data. */
    static Path gguf(String name) {
        String file = "ggml-vocab-" + name + ".gguf";
        Path resource = resource(file);
        if (resource != null) return resource;
        List<Path> dirs = new java.util.ArrayList<>(List.of(Path.of("../../shared/models/vocab"), Path.of("../shared/models/vocab")));
        String extra = System.getenv("HEARTH_VOCAB_DIR"); // optional: another directory of llama.cpp vocabularies
        if (extra != null && !extra.isBlank()) dirs.add(Path.of(extra));
        for (Path dir : dirs) {
            Path p = dir.resolve(file);
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }

    static Path resource(String file) {
        URL url = TestVocabs.class.getResource("/vocab/" + file);
        if (url == null) return null;
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Tokenizer tokenizer(String name) {
        return CACHE.computeIfAbsent(name, n -> {
            Path p = gguf(n);
            if (p == null) throw new IllegalStateException("vocabulary " + n + " not found (resources or ../shared/models/vocab)");
            try (GgufFile g = GgufFile.open(p)) {
                return Tokenizer.load(g);
            }
        });
    }

    static Tokenizer tokenizerAt(Path p) {
        return CACHE.computeIfAbsent(p.toString(), n -> {
            try (GgufFile g = GgufFile.open(p)) {
                return Tokenizer.load(g);
            }
        });
    }

    /** Splits a vector file the way llama.cpp's test-tokenizer-0 does. */
    static List<String> splitVectors(String raw) {
        List<String> out = new ArrayList<>();
        int pos = 0;
        while (pos < raw.length()) {
            int next = raw.indexOf(SEPARATOR, pos);
            if (next < 0) {
                out.add(raw.substring(pos));
                break;
            }
            out.add(raw.substring(pos, next));
            pos = next + SEPARATOR.length();
        }
        return out;
    }

    static String read(String file) {
        Path p = resource(file);
        if (p == null) throw new IllegalStateException("missing test resource vocab/" + file);
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int[] parseIds(String line) {
        String t = line.strip();
        if (t.isEmpty()) return new int[0];
        String[] parts = t.split(" +");
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) ids[i] = Integer.parseInt(parts[i]);
        return ids;
    }
}
