package dev.hearth.tensor;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * One thread's float GEMMs, the compute half of prompt processing: {@link FloatGemm} (F32/F16/BF16
 * weights) and {@link PanelGemm} (quantized weights), 64 decoded rows each, times 512
 * tokens, {@code k} wide. One op is one floating-point operation, so the score in ops/ns is GFLOP/s
 * — against {@code MachineBench.fmaPeak}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0"})
public class GemmBench {
    private static final int PANEL_ROWS = 64, TOKENS = 512, K = 2048;
    private final float[] w = new float[PANEL_ROWS * K], a = new float[TOKENS * K], y = new float[TOKENS * PANEL_ROWS];
    private final float[] packed = new float[PanelGemm.packedLength(TOKENS, K)], chainPacked = new float[PanelGemm.packedLength(TOKENS, K)];
    private final float[] reordered = new float[PANEL_ROWS * K], chainAcc = new float[FloatGemm.scratchLength(PANEL_ROWS)];
    private final float[] acc = new float[PanelGemm.scratchLength(PANEL_ROWS, TOKENS)];

    @Setup
    public void setUp() {
        Random random = new Random(1);
        for (int i = 0; i < w.length; i++) w[i] = (float) random.nextGaussian();
        for (int i = 0; i < a.length; i++) a[i] = (float) random.nextGaussian();
        for (int t = 0; t < TOKENS; t++) PanelGemm.pack(a, t * K, t, K, packed);
        for (int t = 0; t < TOKENS; t++) FloatGemm.pack(a, t * K, t, K, chainPacked);
        for (int r = 0; r < PANEL_ROWS; r++) FloatGemm.permute(w, r * K, K, reordered, r * K);
    }

    @Benchmark
    @OperationsPerInvocation(2 * PANEL_ROWS * TOKENS * K)
    public float[] gemm64x512x2048() {
        FloatGemm.multiply(reordered, PANEL_ROWS, chainPacked, TOKENS, K, y, 0, PANEL_ROWS, chainAcc);
        return y;
    }

    @Benchmark
    @OperationsPerInvocation(2 * PANEL_ROWS * TOKENS * K)
    public float[] panelGemm64x512x2048() {
        PanelGemm.multiply(w, PANEL_ROWS, packed, TOKENS, K, y, 0, PANEL_ROWS, acc);
        return y;
    }
}
