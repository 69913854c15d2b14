package dev.hearth.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.gguf.GgufFile;
import dev.hearth.tensor.ComputePool;
import dev.hearth.tensor.GgmlType;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Session#feedTokenwise} gives, for every position, the very logits (bit for bit) that feeding the
 * tokens one at a time gives: the property speculative decoding's exactness stands on. Checked after a
 * prompt of 600 tokens, so that the one-token steps take flash attention's split-KV flavour (≥ 512 cells),
 * and with 9 tokens, more than the prompt GEMM's threshold.
 */
class TokenwiseFeedTest {
    @TempDir Path tmp;

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("llama-tiny", GgmlType.Q8_0, "off", "f16", "f16"),
                Arguments.of("llama-tiny", GgmlType.Q8_0, "on", "f16", "f16"),
                Arguments.of("llama-tiny", GgmlType.Q8_0, "on", "q8_0", "q8_0"),
                Arguments.of("llama-tiny", GgmlType.Q4_0, "on", "f16", "f16"),
                Arguments.of("llama-tiny", GgmlType.Q4_K, "off", "f16", "f16"),
                Arguments.of("llama-tiny", GgmlType.Q6_K, "on", "f16", "f16"),
                Arguments.of("llama-tiny", GgmlType.F16, "on", "f16", "f16"),
                Arguments.of("llama-tiny", GgmlType.F32, "off", "f16", "f16"),
                Arguments.of("gemma2-tiny", GgmlType.Q8_0, "on", "f16", "f16"),
                Arguments.of("mixtral-tiny", GgmlType.Q8_0, "on", "f16", "f16"),
                Arguments.of("deepseek2-mla-tiny", GgmlType.Q8_0, "off", "f16", "f16"));
    }

    @ParameterizedTest(name = "{0} {1} -fa {2} -ctk {3} -ctv {4}")
    @MethodSource("cases")
    void tokenwiseEqualsOneAtATime(String shape, GgmlType type, String fa, String ctk, String ctv) {
        Path file = write(shape, type);
        CacheOptions options = CacheOptions.resolve(fa, ctk, ctv);
        try (GgufFile f = GgufFile.open(file); ComputePool pool = new ComputePool(2)) {
            Model m = Model.load(f);
            int vocab = m.config().vocab();
            int[] prompt = tokens(600, vocab, 1), next = tokens(9, vocab, 2);

            Session one = new Session(m, pool, 1024, 512, options);
            one.feed(prompt);
            float[] expected = new float[next.length * vocab];
            for (int i = 0; i < next.length; i++) System.arraycopy(one.feed(new int[] {next[i]}), 0, expected, i * vocab, vocab);

            Session batched = new Session(m, pool, 1024, 512, options);
            batched.feed(prompt);
            float[] got = batched.feedTokenwise(next);
            assertThat(batched.position()).isEqualTo(prompt.length + next.length);
            for (int i = 0; i < next.length; i++)
                assertThat(Arrays.copyOfRange(got, i * vocab, (i + 1) * vocab)).as("position %d", prompt.length + i)
                        .isEqualTo(Arrays.copyOfRange(expected, i * vocab, (i + 1) * vocab));

            // and the same through the engine's entry point, two sessions in one step
            Session a = new Session(m, pool, 1024, 512, options), b = new Session(m, pool, 1024, 512, options);
            Session.feedAll(new Session[] {a, b}, new int[][] {prompt, Arrays.copyOf(prompt, 20)});
            float[][] both = Session.feedAll(new Session[] {a, b}, new int[][] {next, {next[0]}}, new int[] {next.length, 1}, true);
            assertThat(both[0]).isEqualTo(expected);
            assertThat(both[1]).hasSize(vocab);
        }
    }

    /** Without the flag, 9 tokens take the prompt GEMM, whose sums round differently: the test above can fail. */
    @Test
    void aPlainBatchDiffers() {
        Path file = write("llama-tiny", GgmlType.Q8_0);
        try (GgufFile f = GgufFile.open(file); ComputePool pool = new ComputePool(2)) {
            Model m = Model.load(f);
            int vocab = m.config().vocab();
            int[] prompt = tokens(40, vocab, 1), next = tokens(9, vocab, 2);
            Session one = new Session(m, pool, 256, 512), plain = new Session(m, pool, 256, 512);
            one.feed(prompt);
            float[] expected = new float[next.length * vocab];
            for (int i = 0; i < next.length; i++) System.arraycopy(one.feed(new int[] {next[i]}), 0, expected, i * vocab, vocab);
            plain.feed(prompt);
            assertThat(plain.feed(next, true)).isNotEqualTo(expected);
        }
    }

    private Path write(String shape, GgmlType type) {
        Path out = tmp.resolve(shape + "-" + type + ".gguf");
        if (RandomMoe.isShape(shape)) RandomMoe.write(shape, type, 11, out);
        else if (RandomModel.shape(shape) != null) RandomModel.write(RandomModel.shape(shape), type, 11, out);
        else RandomLlama.write(RandomLlama.shape(shape), type, 11, out);
        return out;
    }

    private static int[] tokens(int n, int vocab, long seed) {
        Random r = new Random(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = 1 + r.nextInt(vocab - 1);
        return t;
    }
}
