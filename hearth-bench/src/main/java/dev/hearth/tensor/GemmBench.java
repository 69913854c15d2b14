package dev.hearth.tensor;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * One thread's GEMMs, the compute half of prompt processing, on the blocks of decoded rows MatMul gives them:
 * {@link FloatGemm} (F32/F16/BF16 weights, 64 rows), {@link PanelGemm} (quantized weights, 224 rows) and
 * {@link Q4_0Gemm} (Q4_0's integers, 64 rows), times 512 tokens, {@code k} wide. One op is one floating-point operation, so the score in ops/ns is GFLOP/s
 * — against {@code MachineBench.fmaPeak}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0"})
public class GemmBench {
    private static final int PANEL_ROWS = 64, GROUPED_ROWS = 224, TOKENS = 512, K = 2048;
    private final float[] w = new float[PANEL_ROWS * K], a = new float[TOKENS * K], y = new float[TOKENS * PANEL_ROWS];
    private final float[] packed = new float[PanelGemm.packedLength(TOKENS, K)], chainPacked = new float[PanelGemm.packedLength(TOKENS, K)];
    private final float[] reordered = new float[PANEL_ROWS * K], chainAcc = new float[FloatGemm.scratchLength(PANEL_ROWS)];
    private final float[] grouped = new float[PanelGemm.groupedLength(GROUPED_ROWS, K)];
    private final float[] acc = new float[PanelGemm.scratchLength(GROUPED_ROWS, TOKENS)], panelY = new float[TOKENS * GROUPED_ROWS];
    private final short[] qw = new short[PANEL_ROWS * K], qa = new short[Q4_0Gemm.packedLength(TOKENS, K)];
    private final float[] dw = new float[PANEL_ROWS * K / 32], da = new float[Q4_0Gemm.scalesLength(TOKENS, K)];
    private final float[] integerAcc = new float[Q4_0Gemm.scratchLength(PANEL_ROWS, TOKENS)];

    @Setup
    public void setUp() {
        Random random = new Random(1);
        for (int i = 0; i < w.length; i++) w[i] = (float) random.nextGaussian();
        for (int i = 0; i < a.length; i++) a[i] = (float) random.nextGaussian();
        for (int t = 0; t < TOKENS; t++) PanelGemm.pack(a, t * K, t, K, packed);
        for (int t = 0; t < TOKENS; t++) FloatGemm.pack(a, t * K, t, K, chainPacked);
        for (int r = 0; r < PANEL_ROWS; r++) FloatGemm.permute(w, r * K, K, reordered, r * K);
        float[] rows = new float[GROUPED_ROWS * K];
        for (int i = 0; i < rows.length; i++) rows[i] = (float) random.nextGaussian();
        PanelGemm.group(rows, GROUPED_ROWS, K, grouped);
        short[] q = new short[K];
        float[] d = new float[K / 32];
        for (int i = 0; i < qw.length; i++) qw[i] = (short) (random.nextInt(16) - 8);
        for (int i = 0; i < dw.length; i++) dw[i] = random.nextFloat();
        for (int t = 0; t < TOKENS; t++) {
            for (int i = 0; i < K; i++) q[i] = (short) (random.nextInt(255) - 127);
            for (int b = 0; b < K / 32; b++) d[b] = random.nextFloat();
            Q4_0Gemm.pack(q, 0, d, 0, t, K, qa, da);
        }
    }

    @Benchmark
    @OperationsPerInvocation(2 * PANEL_ROWS * TOKENS * K)
    public float[] gemm64x512x2048() {
        FloatGemm.multiply(reordered, PANEL_ROWS, chainPacked, TOKENS, K, y, 0, PANEL_ROWS, chainAcc);
        return y;
    }

    /** MatMul's block of 224 rows (grouped by 7 beforehand, as MatMul does while decoding them). */
    @Benchmark
    @OperationsPerInvocation(2 * GROUPED_ROWS * TOKENS * K)
    public float[] panelGemm224x512x2048() {
        PanelGemm.multiply(grouped, GROUPED_ROWS, packed, TOKENS, K, panelY, 0, GROUPED_ROWS, acc);
        return panelY;
    }

    /** Q4_0's integer GEMM ({@link Q4_0Gemm}) on the same shape; one op is still one floating-point operation's worth (half a multiply-add). */
    @Benchmark
    @OperationsPerInvocation(2 * PANEL_ROWS * TOKENS * K)
    public float[] q4_0Gemm64x512x2048() {
        Q4_0Gemm.multiply(qw, dw, PANEL_ROWS, qa, da, TOKENS, K, y, 0, PANEL_ROWS, integerAcc);
        return y;
    }
}
