package dev.hearth.tokenizer;

import dev.hearth.gguf.GgufFile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Tokenization throughput, without JMH:
 * {@code java ... dev.hearth.tokenizer.TokenizeBench VOCAB.gguf TEXT_FILE [REPS] [EXPECTED_IDS_FILE]}.
 * Prints the vocabulary load time, then per repetition the time and MB/s of encoding the whole file
 * (add_special=false, parse_special=true, like {@code llama-tokenize --no-bos}) with a fresh tokenizer
 * each time, so the per-word cache starts empty and only the JIT warms up. An EXPECTED_IDS_FILE in
 * {@code llama-tokenize --ids} format ("[1, 2, 3]") is compared with the result.
 */
public final class TokenizeBench {
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: TokenizeBench VOCAB.gguf TEXT_FILE [REPS] [EXPECTED_IDS_FILE]");
            System.exit(2);
        }
        Path vocabPath = Path.of(args[0]);
        byte[] bytes = Files.readAllBytes(Path.of(args[1]));
        String text = new String(bytes, StandardCharsets.UTF_8);
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        double mb = bytes.length / 1e6;

        Vocabulary vocab;
        long t0 = System.nanoTime();
        try (GgufFile g = GgufFile.open(vocabPath)) {
            vocab = Vocabulary.load(g);
        }
        long t1 = System.nanoTime();
        Tokenizer.of(vocab);
        long t2 = System.nanoTime();
        System.out.printf("vocabulary load %.0f ms, tokenizer build %.0f ms (%d tokens)%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6, vocab.size());

        int[] ids = null;
        for (int r = 0; r < reps; r++) {
            Tokenizer tok = Tokenizer.of(vocab);
            long s = System.nanoTime();
            ids = tok.encode(text, false, true);
            long e = System.nanoTime();
            double sec = (e - s) / 1e9;
            System.out.printf("rep %d: %.3f s, %.2f MB/s, %d tokens%n", r, sec, mb / sec, ids.length);
        }
        if (args.length > 3) {
            String ref = Files.readString(Path.of(args[3])).strip();
            int[] expected = TestVocabs.parseIds(ref.replace("[", "").replace("]", "").replace(",", " "));
            System.out.println(Arrays.equals(expected, ids) ? "ids equal llama-tokenize's" : "IDS DIFFER from llama-tokenize's (" + expected.length + " expected)");
        }
    }
}
