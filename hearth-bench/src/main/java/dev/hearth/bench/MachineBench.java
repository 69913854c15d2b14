package dev.hearth.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.*;

/**
 * The machine's limits the kernels are judged against: memory read bandwidth (a STREAM-like sum of
 * 256 MiB, on one and on two threads; GB/s as ops/ns) and the float FMA peak of one core (12
 * independent 16-lane FMA chains, enough to hide the latency; GFLOP/s as ops/ns).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class MachineBench {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final int FLOATS = 64 << 20; // 256 MiB
    private static final int FMA_STEPS = 1 << 20;

    @State(Scope.Benchmark)
    public static class Memory {
        final float[] data = new float[FLOATS];

        @Setup
        public void fill() {
            for (int i = 0; i < data.length; i++) data[i] = i & 1023;
        }
    }

    /** One thread reading the whole array: what one core can pull from memory. */
    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(4 * FLOATS)
    public float readBandwidth(Memory m) {
        return sum(m.data);
    }

    /** Two threads reading at once: the score is the total GB/s of both (JMH adds the threads up). */
    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(4 * FLOATS)
    public float readBandwidth2Threads(Memory m) {
        return sum(m.data);
    }

    private static float sum(float[] d) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        for (int i = 0; i < d.length; i += 64) {
            a0 = a0.add(FloatVector.fromArray(S, d, i));
            a1 = a1.add(FloatVector.fromArray(S, d, i + 16));
            a2 = a2.add(FloatVector.fromArray(S, d, i + 32));
            a3 = a3.add(FloatVector.fromArray(S, d, i + 48));
        }
        return a0.add(a1).add(a2.add(a3)).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }

    @Benchmark
    @OperationsPerInvocation(12 * 16 * 2 * FMA_STEPS)
    public float fmaPeak() {
        FloatVector x = FloatVector.broadcast(S, 1.0000001f), y = FloatVector.broadcast(S, 0.9999999f);
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        FloatVector c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (int i = 0; i < FMA_STEPS; i++) {
            c0 = x.fma(y, c0); c1 = x.fma(y, c1); c2 = x.fma(y, c2); c3 = x.fma(y, c3);
            c4 = x.fma(y, c4); c5 = x.fma(y, c5); c6 = x.fma(y, c6); c7 = x.fma(y, c7);
            c8 = x.fma(y, c8); c9 = x.fma(y, c9); c10 = x.fma(y, c10); c11 = x.fma(y, c11);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
