package dev.hearth.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

/**
 * One-thread matrix-vector throughput per weight type, in GB/s of weight bytes streamed (the
 * number to hold against the machine's memory bandwidth; DESIGN.md: ~19 GB/s on one core here).
 * Timed in thread CPU time, best of several passes, so other processes on a shared machine distort
 * it less (they still share the memory bus and caches).
 * For reference, ggml's own vec_dot measured the same way on the same (shared, loaded) machine gave
 * F32 19.9, F16 23.1, BF16 23.2, Q4_0 10.7, Q4_1 10.0, Q5_0 8.7, Q5_1 11.7, Q8_0 15.6, Q2_K 7.7,
 * Q3_K 9.3, Q4_K 14.3, Q5_K 12.5, Q6_K 18.6 GB/s (llama.cpp 80fb11a, -march=native).
 * Rows are 4096 values wide unless {@code -Dn=...} says otherwise (ffn_down of 7-8B models: 14336).
 * Not a test: run by hand, e.g.
 * <pre>
 * java --add-modules jdk.incubator.vector -Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0 \
 *   -cp hearth-core/target/classes:hearth-core/target/test-classes dev.hearth.tensor.KernelBench [MiB] [types...]
 * </pre>
 */
public final class KernelBench {
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    public static void main(String[] args) {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        GgmlType[] types = args.length > 1
                ? java.util.Arrays.stream(args, 1, args.length).map(GgmlType::valueOf).toArray(GgmlType[]::new)
                : TestData.WEIGHT_TYPES;
        int n = Integer.getInteger("n", 4096);
        Random random = new Random(1);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) random.nextGaussian();
        System.out.printf("%-5s %10s %10s %14s %12s%n", "type", "GB/s", "ns/row", "dotRows GB/s", "quantize a");
        for (GgmlType type : types) {
            TypeOps ops = TypeOps.of(type);
            TypeOps act = TypeOps.of(ops.dotType());
            long rowBytes = type.bytesFor(n);
            int rows = (int) Math.max(1, ((long) mib << 20) / rowBytes);
            MemorySegment w = Arena.ofAuto().allocate(rowBytes * rows, 64);
            MemorySegment row = Arena.ofAuto().allocate(rowBytes, 64);
            ops.quantize(x, 0, row, 0, n);
            for (int r = 0; r < rows; r++) w.asSlice(r * rowBytes, rowBytes).copyFrom(row);
            MemorySegment a = Arena.ofAuto().allocate(ops.dotType().bytesFor(n), 64);
            act.quantize(x, 0, a, 0, n);
            float sink = 0;
            for (int rep = 0; rep < 4; rep++) { // warm-up: let C2 finish before timing
                for (int r = 0; r < rows; r++) sink += ops.dot(w, r * rowBytes, a, 0, n);
            }
            double best = Double.MAX_VALUE;
            for (int rep = 0; rep < 12; rep++) {
                long t0 = CPU.getCurrentThreadCpuTime();
                for (int r = 0; r < rows; r++) sink += ops.dot(w, r * rowBytes, a, 0, n);
                best = Math.min(best, CPU.getCurrentThreadCpuTime() - t0);
            }
            float[] out = new float[rows];
            double bestRows = Double.MAX_VALUE;
            for (int rep = 0; rep < 12; rep++) {
                long t0 = CPU.getCurrentThreadCpuTime();
                ops.dotRows(w, 0, rowBytes, rows, a, 0, n, out, 0);
                bestRows = Math.min(bestRows, CPU.getCurrentThreadCpuTime() - t0);
            }
            double bestQuant = Double.MAX_VALUE;
            for (int rep = 0; rep < 300; rep++) {
                long t0 = CPU.getCurrentThreadCpuTime();
                act.quantize(x, 0, a, 0, n);
                bestQuant = Math.min(bestQuant, CPU.getCurrentThreadCpuTime() - t0);
            }
            System.out.printf("%-5s %10.2f %10.0f %14.2f %9.2f us%s%n", type, rowBytes * (double) rows / best, best / rows,
                    rowBytes * (double) rows / bestRows,
                    bestQuant / 1e3, sink == 42 ? " " : "");
        }
    }
}
