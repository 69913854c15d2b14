package dev.hearth.tensor;

import dev.hearth.gguf.GgufFile;
import dev.hearth.gguf.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The Java side of tools/bench/f16-stream.sh (the C side: f16-stream.c): one thread dots every 2048-wide F16 matrix of
 * a GGUF file with one activation row, 64 rows at a time as generation's pieces go, and prints GB/s per pass for
 * {@code kernel} (Hearth's F16 dotRows, exact) and {@code notest} (its four-row loop without the per-block test for
 * zero/subnormal/inf/NaN halves, each half of a block widened from its own 256-bit load: inexact on those blocks, the
 * bound a cheaper test could reach). Not part of Hearth; compiled against its jar by the script.
 */
public final class F16Stream {
    private static final int COLS = 2048, PIECE = 64;
    private static final int MASK = 0x8FFFE000, BIAS = 0x30000000;

    /** Rows r, r+16, r+32, r+48 of the piece at w0 for r in 0..15: fourRows' loop with no test (spelled out: a helper would box). */
    static float notest(MemorySegment w, long p0, MemorySegment a, float[] out) {
        long step = 16L * 2 * COLS;
        for (int r = 0; r < PIECE / 4; r++) {
            long w0 = p0 + 2L * COLS * r, w1 = w0 + step, w2 = w1 + step, w3 = w2 + step;
            FloatVector c0 = FloatVector.zero(Simd.F512), c1 = c0, c2 = c0, c3 = c0;
            for (int i = 0; i < COLS; i += 32) {
                FloatVector a0 = FloatVector.fromMemorySegment(Simd.F512, a, 4L * i, Simd.ORDER);
                FloatVector a1 = FloatVector.fromMemorySegment(Simd.F512, a, 4L * i + 64, Simd.ORDER);
                IntVector x, y;
                x = ((IntVector) ShortVector.fromMemorySegment(Simd.S256, w, w0 + 2L * i, Simd.ORDER).convertShape(VectorOperators.S2I, Simd.I512, 0)).lanewise(VectorOperators.LSHL, 13);
                y = ((IntVector) ShortVector.fromMemorySegment(Simd.S256, w, w0 + 2L * i + 32, Simd.ORDER).convertShape(VectorOperators.S2I, Simd.I512, 0)).lanewise(VectorOperators.LSHL, 13);
                c0 = y.and(MASK).or(BIAS).reinterpretAsFloats().fma(a1, x.and(MASK).or(BIAS).reinterpretAsFloats().fma(a0, c0));
                x = ((IntVector) ShortVector.fromMemorySegment(Simd.S256, w, w1 + 2L * i, Simd.ORDER).convertShape(VectorOperators.S2I, Simd.I512, 0)).lanewise(VectorOperators.LSHL, 13);
                y = ((IntVector) ShortVector.fromMemorySegment(Simd.S256, w, w1 + 2L * i + 32, Simd.ORDER).convertShape(VectorOperators.S2I, Simd.I512, 0)).lanewise(VectorOperators.LSHL, 13);
                c1 = y.and(MASK).or(BIAS).reinterpretAsFloats().fma(a1, x.and(MASK).or(BIAS).reinterpretAsFloats().fma(a0, c1));
                x = ((IntVector) ShortVector.fromMemorySegment(Simd.S256, w, w2 + 2L * i, Simd.ORDER).convertShape(VectorOperators.S2I, Simd.I512, 0)).lanewise(VectorOperators.LSHL, 13);
                y = ((IntVector) ShortVector.fromMemorySegment(Simd.S256, w, w2 + 2L * i + 32, Simd.ORDER).convertShape(VectorOperators.S2I, Simd.I512, 0)).lanewise(VectorOperators.LSHL, 13);
                c2 = y.and(MASK).or(BIAS).reinterpretAsFloats().fma(a1, x.and(MASK).or(BIAS).reinterpretAsFloats().fma(a0, c2));
                x = ((IntVector) ShortVector.fromMemorySegment(Simd.S256, w, w3 + 2L * i, Simd.ORDER).convertShape(VectorOperators.S2I, Simd.I512, 0)).lanewise(VectorOperators.LSHL, 13);
                y = ((IntVector) ShortVector.fromMemorySegment(Simd.S256, w, w3 + 2L * i + 32, Simd.ORDER).convertShape(VectorOperators.S2I, Simd.I512, 0)).lanewise(VectorOperators.LSHL, 13);
                c3 = y.and(MASK).or(BIAS).reinterpretAsFloats().fma(a1, x.and(MASK).or(BIAS).reinterpretAsFloats().fma(a0, c3));
            }
            out[r] = c0.add(c1).add(c2).add(c3).reduceLanes(VectorOperators.ADD);
        }
        return out[0];
    }

    public static void main(String[] args) {
        if (args.length < 1) throw new IllegalArgumentException("usage: F16Stream MODEL.gguf [PASSES]");
        int passes = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        try (GgufFile g = GgufFile.open(Path.of(args[0]))) {
            List<Tensor> ts = new ArrayList<>();
            long bytes = 0;
            for (Tensor t : g.tensors().values())
                if (t.type() == GgmlType.F16 && t.shape().length == 2 && t.rowLength() == COLS && t.rowCount() % PIECE == 0) {
                    ts.add(t);
                    bytes += t.data().byteSize();
                }
            MemorySegment a = Arena.global().allocate(4L * COLS, 64);
            java.util.Random rnd = new java.util.Random(1);
            for (int i = 0; i < COLS; i++) a.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) rnd.nextGaussian() * 0x1p16f);
            TypeOps ops = TypeOps.of(GgmlType.F16);
            float[] out = new float[PIECE];
            float sink = 0;
            for (int pass = 0; pass < passes; pass++) {
                StringBuilder line = new StringBuilder("pass " + pass + ":");
                for (String v : new String[] {"kernel", "notest"}) {
                    long t0 = System.nanoTime();
                    for (Tensor t : ts)
                        for (int r0 = 0; r0 < t.rowCount(); r0 += PIECE) {
                            long p0 = r0 * t.rowBytes();
                            if (v.equals("kernel")) ops.dotRows(t.data(), p0, t.rowBytes(), PIECE, a, 0, COLS, out, 0);
                            else notest(t.data(), p0, a, out);
                            sink += out[1];
                        }
                    line.append(String.format("  %s %.2f GB/s", v, bytes / ((System.nanoTime() - t0) * 1e-9) / 1e9));
                }
                System.out.println(line);
            }
            System.err.println("(sink " + sink + ")");
        }
    }
}
