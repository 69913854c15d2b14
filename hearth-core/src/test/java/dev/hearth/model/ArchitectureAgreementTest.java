package dev.hearth.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.gguf.GgufFile;
import dev.hearth.tensor.ComputePool;
import dev.hearth.tensor.GgmlType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Teacher-forced agreement with llama.cpp on random-weight models of every architecture besides plain
 * Llama (qwen2, qwen3, starcoder2, phi3 short and long RoPE factors, gemma, gemma2, gemma3, and Llama as Granite-Code and
 * Mistral-Nemo), in F32, Q8_0 and llama-quantize's Q4_K_M, by the bar of ../shared/ref/README.md (see
 * {@link LlamaAgreementTest}): 100% top-1 where llama.cpp leads by ≥ 2 logits, mean KL ≤ 2× llama.cpp's own
 * {@code -fa 1} vs {@code -fa 0} KL, and top-1 ≥ 99.5% on F32.
 *
 * <p>The golden data (resources/golden/arch) was produced by tools/golden/make-arch-golden.sh.
 */
class ArchitectureAgreementTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden/arch");
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
        return GoldenLogits.names(GOLDEN, ".fa0.jsonl.gz");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenFiles")
    void agreesWithLlamaCpp(String name) throws IOException {
        Path model = GOLDEN.resolve(name + ".gguf");
        boolean unquantized = false;
        if (!Files.exists(model)) { // SHAPE-TYPE, written by Hearth
            int dash = name.lastIndexOf('-');
            RandomModel.Shape shape = RandomModel.shape(name.substring(0, dash));
            assertThat(shape).as("shape of " + name).isNotNull();
            GgmlType type = GgmlType.valueOf(name.substring(dash + 1));
            unquantized = !type.isQuantized();
            model = tmp.resolve(name + ".gguf");
            RandomModel.write(shape, type, 1234, model);
        }
        GoldenLogits golden = GoldenLogits.read(GOLDEN.resolve(name + ".fa0.jsonl.gz"));
        double noiseKl = GoldenLogits.noiseKl(GOLDEN.resolve(name + ".noise.json"));
        float[] logits;
        try (GgufFile f = GgufFile.open(model)) {
            Model m = Model.load(f);
            Session s = new Session(m, pool, ids.length, 256);
            logits = s.feed(ids, true);
            assertThat(m.config().vocab()).isEqualTo(golden.vocab());
        }
        GoldenLogits.Agreement a = golden.compare(logits);
        System.out.println(name + ": " + a + " (llama.cpp -fa 1 vs -fa 0 KL " + noiseKl + ")");
        assertThat(a.positions()).isEqualTo(ids.length);
        assertThat(a.confidentTop1()).as(name + " " + a).isEqualTo(1.0);
        assertThat(a.meanKl()).as(name + " " + a).isLessThanOrEqualTo(2 * noiseKl);
        if (unquantized) assertThat(a.top1()).as(name + " " + a).isGreaterThanOrEqualTo(0.995);
    }

    /**
     * Gemma-2's local layers keep only what their window needs (2·64 + 8 rows of 256 here, moved to the front
     * as the context grows). Fed 8 tokens at a time, the logits agree with llama.cpp's by the same bar, and
     * are the very numbers a full-size cache (llama.cpp's --swa-full) gives, with and without flash attention.
     */
    @ParameterizedTest(name = "flash attention {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void gemma2SlidingWindowCacheIsBounded(boolean flash) throws IOException {
        String name = "gemma2-tiny-F32";
        Path model = tmp.resolve("sliding-" + flash + "-" + name + ".gguf");
        RandomModel.write(RandomModel.shape("gemma2-tiny"), GgmlType.F32, 1234, model);
        GoldenLogits golden = GoldenLogits.read(GOLDEN.resolve(name + ".fa0.jsonl.gz"));
        double noiseKl = GoldenLogits.noiseKl(GOLDEN.resolve(name + ".noise.json"));
        try (GgufFile f = GgufFile.open(model)) {
            Model m = Model.load(f);
            CacheOptions o = new CacheOptions(flash, KvCacheType.F16, KvCacheType.F16);
            Session s = new Session(m, pool, ids.length, 8, o);
            Session full = new Session(m, pool, ids.length, 8, o, true);
            float[] logits = s.feed(ids, true);
            assertThat(logits).isEqualTo(full.feed(ids, true));
            // 2 global layers of 256 rows, 2 local ones of 2 * 64 + 8
            assertThat(s.cacheBytes()).isEqualTo(full.cacheBytes() / 4 * 2 + full.cacheBytes() / 4 / 256 * 136 * 2);
            if (!flash) {
                GoldenLogits.Agreement a = golden.compare(logits);
                System.out.println(name + " with a bounded sliding-window cache: " + a);
                assertThat(a.confidentTop1()).as(a.toString()).isEqualTo(1.0);
                assertThat(a.meanKl()).as(a.toString()).isLessThanOrEqualTo(2 * noiseKl);
                assertThat(a.top1()).as(a.toString()).isGreaterThanOrEqualTo(0.995);
            }
            // going back is possible only while the local layers still hold the window before that position
            assertThat(s.canTruncate(250)).isTrue();
            assertThat(s.canTruncate(100)).isFalse();
            assertThat(full.canTruncate(100)).isTrue();
            assertThat(s.canTruncate(0)).isTrue();
            s.truncate(0);
            assertThat(s.feed(java.util.Arrays.copyOf(ids, 8), true)).isEqualTo(java.util.Arrays.copyOf(logits, 8 * m.config().vocab()));
        }
    }
}
