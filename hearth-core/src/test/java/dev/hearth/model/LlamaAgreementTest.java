package dev.hearth.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.gguf.GgufFile;
import dev.hearth.tensor.ComputePool;
import dev.hearth.tensor.GgmlType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Teacher-forced agreement with llama.cpp on random-weight Llama models, by the bar of
 * ../shared/ref/README.md: 100% top-1 agreement where llama.cpp's top-1 leads by ≥ 2 logits; mean
 * KL no more than twice llama.cpp's own {@code -fa 1} vs {@code -fa 0} KL on the same file; on
 * unquantized files, top-1 agreement ≥ 99.5% everywhere.
 *
 * <p>The golden data (resources/golden/llama) was produced by tools/golden/make-llama-golden.sh:
 * Hearth's own writer made each model (rebuilt here, byte for byte, from the same seed), or
 * llama-quantize did (those files are committed), and llama.cpp computed the logits.
 */
class LlamaAgreementTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden/llama");
    static final Pattern NAME = Pattern.compile("(llama-tiny|llama-small-gqa)-(\\w+)");
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
        if (!Files.exists(model)) {
            Matcher m = NAME.matcher(name);
            assertThat(m.matches()).as("golden name " + name).isTrue();
            GgmlType type = GgmlType.valueOf(m.group(2));
            unquantized = !type.isQuantized();
            model = tmp.resolve(name + ".gguf");
            RandomLlama.write(RandomLlama.shape(m.group(1)), type, 1234, model);
        }
        GoldenLogits golden = GoldenLogits.read(GOLDEN.resolve(name + ".fa0.jsonl.gz"));
        double noiseKl = GoldenLogits.noiseKl(GOLDEN.resolve(name + ".noise.json"));
        float[] logits;
        try (GgufFile f = GgufFile.open(model)) {
            Model llama = Model.load(f);
            Session s = new Session(llama, pool, ids.length, 256);
            logits = s.feed(ids, true);
            assertThat(llama.config().vocab()).isEqualTo(golden.vocab());
        }
        GoldenLogits.Agreement a = golden.compare(logits);
        System.out.println(name + ": " + a + " (llama.cpp -fa 1 vs -fa 0 KL " + noiseKl + ")");
        assertThat(a.positions()).isEqualTo(ids.length);
        assertThat(a.confidentTop1()).as(name + " " + a).isEqualTo(1.0);
        assertThat(a.meanKl()).as(name + " " + a).isLessThanOrEqualTo(2 * noiseKl);
        if (unquantized) assertThat(a.top1()).as(name + " " + a).isGreaterThanOrEqualTo(0.995);
    }
}
