package dev.hearth.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

/** Seeded test inputs shared by the tensor tests. */
final class TestData {
    private TestData() {}

    static final GgmlType[] WEIGHT_TYPES = {
        GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1,
        GgmlType.Q8_0, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K
    };

    static final GgmlType[] ACTIVATION_TYPES = {
        GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q8_1, GgmlType.Q8_K
    };

    /** Kinds of rows: Gaussian, one sign, heavy-tailed, tiny, huge, with zero stretches, on a grid (ties). */
    enum Shape { GAUSSIAN, POSITIVE, NEGATIVE, OUTLIERS, TINY, HUGE, ZERO_RUNS, GRID, ZERO }

    static float[] row(Shape shape, int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            float g = (float) r.nextGaussian();
            x[i] = switch (shape) {
                case GAUSSIAN -> g * 0.02f;
                case POSITIVE -> Math.abs(g) * 0.05f;
                case NEGATIVE -> -Math.abs(g) * 0.05f;
                case OUTLIERS -> i % 37 == 5 ? 1.5f * Math.signum(g) : g * 0.02f;
                case TINY -> g * 1e-6f;
                case HUGE -> g * 300f;
                case ZERO_RUNS -> (i / 48) % 3 == 0 ? 0f : g;
                case GRID -> Math.round(g * 8) / 16f;
                case ZERO -> 0f;
            };
        }
        return x;
    }

    /** A segment with {@code bytes} bytes starting at an odd address, so no kernel can rely on alignment. */
    static MemorySegment segment(long bytes) {
        return Arena.ofAuto().allocate(bytes + 16, 16).asSlice(3, bytes);
    }

    static MemorySegment quantized(TypeOps ops, float[] x) {
        MemorySegment s = segment(ops.type().bytesFor(x.length));
        ops.quantize(x, 0, s, 0, x.length);
        return s;
    }

    static float[] dequantized(TypeOps ops, MemorySegment s, int n) {
        float[] out = new float[n];
        ops.dequantize(s, 0, out, 0, n);
        return out;
    }
}
