package dev.hearth.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.gguf.GgufFile;
import dev.hearth.tensor.ComputePool;
import dev.hearth.tensor.GgmlType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Flash attention and the Q8_0 KV cache agree with llama.cpp run with the same settings
 * ({@code -fa 1 -ctk f16 -ctv f16}, {@code -fa 1 -ctk q8_0 -ctv q8_0}, {@code -fa 0 -ctk q8_0}), teacher-forced
 * on 256 positions, by the bar of {@link LlamaAgreementTest}: 100% top-1 where llama.cpp leads by ≥ 2
 * logits, mean KL ≤ 2× llama.cpp's own -fa 1 vs -fa 0 KL on that file, top-1 ≥ 99.5% on F32 weights.
 * Golden data: tools/golden/make-attention-golden.sh (llama.cpp with the same -fa/-ctk/-ctv).
 */
class AttentionAgreementTest {
    static final Path GOLDEN = LlamaAgreementTest.GOLDEN;
    static final Pattern NAME = Pattern.compile("(llama-tiny|llama-small-gqa)-(\\w+)\\.fa([01])-(f16|q8_0)-(f16|q8_0)(\\.ub16)?");
    static ComputePool pool;
    static int[] ids;

    @TempDir static Path tmp;

    @BeforeAll
    static void setUp() throws IOException {
        pool = new ComputePool(2);
        ids = GoldenLogits.ids(GOLDEN.resolve("ids.txt"));
    }

    @AfterAll
    static void tearDown() {
        pool.close();
    }

    static Stream<String> goldenFiles() throws IOException {
        try (Stream<Path> s = Files.list(GOLDEN)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jsonl.gz"))
                    .map(n -> n.substring(0, n.length() - ".jsonl.gz".length())).filter(n -> NAME.matcher(n).matches())
                    .sorted().toList().stream();
        }
    }

    /**
     * A golden name ending in .ub16 was computed by llama.cpp in steps (ubatches) of 16 tokens, which take
     * ggml's other flash-attention flavour (one position at a time, a float16 accumulator for an F16 V:
     * decoding's); Hearth then runs in steps of 16 too, and the yardstick is llama.cpp's own distance
     * between that flavour and -fa 0 ({@code <name>.noise.json}: ~100x the tiled flavour's, from the
     * float16 accumulator). The others are one 256-token step.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenFiles")
    void agreesWithLlamaCppUnderTheSameSettings(String name) throws IOException {
        check(name, name.endsWith(".ub16") ? 16 : 256);
    }

    /**
     * Decoding at depth: a 600-token prompt, then 32 single-token steps on the tokens llama.cpp generated
     * greedily. Each step attends over 768 cells, so llama.cpp took its split-KV flavour (cells split
     * between its 2 threads, partial sums merged); Hearth's pool has 2 threads too. Yardstick: llama.cpp's
     * -fa 0 run of the same steps.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"llama-tiny-F32.fa1-f16-f16.decode", "llama-small-gqa-F32.fa1-f16-f16.decode"})
    void decodingAtDepthAgreesWithLlamaCpp(String name) throws IOException {
        String shape = name.substring(0, name.indexOf("-F32"));
        Path model = tmp.resolve(shape + "-F32.gguf");
        if (!Files.exists(model)) RandomLlama.write(RandomLlama.shape(shape), GgmlType.F32, 1234, model);
        String text;
        try (InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(GOLDEN.resolve(name + ".jsonl.gz")))) {
            text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        GoldenLogits golden = GoldenLogits.read(GOLDEN.resolve(name + ".jsonl.gz"));
        int[] prompt = numbers(text, "\"prompt_tokens\":\\[([^\\]]*)]"), generated = numbers(text, "\"generated\":\\[([^\\]]*)]");
        assertThat(prompt).hasSize(600);
        int vocab = golden.vocab();
        float[] rows = new float[generated.length * vocab];
        try (GgufFile f = GgufFile.open(model)) {
            Session s = new Session(Model.load(f), pool, prompt.length + generated.length + 1, 512, new CacheOptions(true, KvCacheType.F16, KvCacheType.F16));
            float[] logits = s.feed(prompt);
            for (int i = 0; i < generated.length; i++) {
                System.arraycopy(logits, 0, rows, i * vocab, vocab);
                if (i + 1 < generated.length) logits = s.feed(new int[] {generated[i]});
            }
        }
        double noiseKl = GoldenLogits.noiseKl(GOLDEN.resolve(name + ".noise.json"));
        GoldenLogits.Agreement a = golden.compare(rows);
        System.out.println(name + " (decode steps at 600..631): " + a + " (llama.cpp -fa 1 vs -fa 0 KL " + noiseKl + ")");
        assertThat(a.positions()).isEqualTo(32);
        assertThat(a.top1()).as(name + " " + a).isEqualTo(1.0);
        assertThat(a.meanKl()).as(name + " " + a).isLessThanOrEqualTo(2 * noiseKl);
    }

    private static int[] numbers(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(regex).isTrue();
        return Arrays.stream(m.group(1).split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private void check(String name, int maxBatch) throws IOException {
        Matcher m = NAME.matcher(name);
        assertThat(m.matches()).isTrue();
        String modelName = m.group(1) + "-" + m.group(2);
        GgmlType type = GgmlType.valueOf(m.group(2));
        CacheOptions options = new CacheOptions(m.group(3).equals("1"), KvCacheType.parse(m.group(4)), KvCacheType.parse(m.group(5)));
        Path model = tmp.resolve(modelName + ".gguf");
        if (!Files.exists(model)) RandomLlama.write(RandomLlama.shape(m.group(1)), type, 1234, model);
        GoldenLogits golden = GoldenLogits.read(GOLDEN.resolve(name + ".jsonl.gz"));
        // the yardstick: llama.cpp's own -fa 1 vs -fa 0 distance, for this very flavour where the golden data has it
        Path noise = Files.exists(GOLDEN.resolve(name + ".noise.json")) ? GOLDEN.resolve(name + ".noise.json") : GOLDEN.resolve(modelName + ".noise.json");
        double noiseKl = GoldenLogits.noiseKl(noise);
        float[] logits;
        try (GgufFile f = GgufFile.open(model)) {
            Session s = new Session(Model.load(f), pool, ids.length, maxBatch, options);
            logits = s.feed(ids, true);
        }
        GoldenLogits.Agreement a = golden.compare(logits);
        System.out.println(name + " (" + options.describe() + ", steps of " + maxBatch + "): " + a + " (llama.cpp -fa 1 vs -fa 0 KL " + noiseKl + ")");
        assertThat(a.positions()).isEqualTo(ids.length);
        assertThat(a.confidentTop1()).as(name + " " + a).isEqualTo(1.0);
        assertThat(a.meanKl()).as(name + " " + a).isLessThanOrEqualTo(2 * noiseKl);
        if (!type.isQuantized()) assertThat(a.top1()).as(name + " " + a).isGreaterThanOrEqualTo(0.995);
    }
}
