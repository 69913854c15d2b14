package dev.hearth.tensor;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * One thread's float GEMM, the compute half of prompt processing ({@link FloatGemm}): a block of 16
 * decoded weight rows times 512 tokens, {@code k} wide. One op is one floating-point operation, so
 * the score in ops/ns is GFLOP/s — against {@code MachineBench.fmaPeak}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0"})
public class GemmBench {
    private static final int ROWS = 16, TOKENS = 512, K = 2048;
    private final float[] w = new float[ROWS * K], a = new float[TOKENS * K], y = new float[TOKENS * ROWS];

    @Setup
    public void setUp() {
        Random random = new Random(1);
        for (int i = 0; i < w.length; i++) w[i] = (float) random.nextGaussian();
        for (int i = 0; i < a.length; i++) a[i] = (float) random.nextGaussian();
    }

    @Benchmark
    @OperationsPerInvocation(2 * ROWS * TOKENS * K)
    public float[] gemm16x512x2048() {
        FloatGemm.multiply(w, ROWS, a, TOKENS, K, y, 0, ROWS);
        return y;
    }
}
