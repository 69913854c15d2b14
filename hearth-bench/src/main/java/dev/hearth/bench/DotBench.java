package dev.hearth.bench;

import dev.hearth.tensor.GgmlType;
import dev.hearth.tensor.TypeOps;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One thread's matrix-vector speed per weight type, as generation uses it: 64 MiB of weight rows
 * (4096 wide, more than the caches hold) each dotted with one activation row encoded in the type's
 * dot format. The {@code bytes} counter is weight bytes streamed, so its score in ops/ns is GB/s —
 * the number to hold against {@link MachineBench#readBandwidth}. {@code dequantize} is the decode
 * that feeds the prompt GEMM, in GB/s of weights decoded.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0"})
public class DotBench {
    @Param({"F32", "F16", "BF16", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    public String type;

    private static final int N = 4096;
    private TypeOps ops;
    private MemorySegment weights, activations;
    private long rowBytes;
    private int rows;
    private float[] decoded = new float[N];

    /** Bytes of weights processed; JMH reports it per ns, i.e. GB/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }

    @Setup
    public void setUp() {
        GgmlType t = GgmlType.valueOf(type);
        ops = TypeOps.of(t);
        rowBytes = t.bytesFor(N);
        rows = (int) ((64L << 20) / rowBytes);
        weights = Arena.ofAuto().allocate(rowBytes * rows, 64);
        Random random = new Random(1);
        float[] x = new float[N];
        for (int r = 0; r < rows; r++) {
            if (r < 64) {
                for (int i = 0; i < N; i++) x[i] = (float) random.nextGaussian();
                ops.quantize(x, 0, weights, r * rowBytes, N);
            } else {
                weights.asSlice(r * rowBytes, rowBytes).copyFrom(weights.asSlice((r % 64) * rowBytes, rowBytes));
            }
        }
        for (int i = 0; i < N; i++) x[i] = (float) random.nextGaussian();
        TypeOps act = TypeOps.of(ops.dotType());
        activations = Arena.ofAuto().allocate(ops.dotType().bytesFor(N), 64);
        act.quantizeActivations(x, 0, activations, 0, N);
    }

    @Benchmark
    public void dot(Bytes counter, Blackhole bh) {
        for (int r = 0; r < rows; r++) bh.consume(ops.dot(weights, r * rowBytes, activations, 0, N));
        counter.bytes += rows * rowBytes;
    }

    @Benchmark
    public void dequantize(Bytes counter, Blackhole bh) {
        for (int r = 0; r < rows; r++) ops.dequantize(weights, r * rowBytes, decoded, 0, N);
        bh.consume(decoded);
        counter.bytes += rows * rowBytes;
    }
}
