package dev.hearth.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks Hearth against llama.cpp's own output (golden/quant, made by its make.sh): quantizing the
 * F32 source rows must give exactly the bytes llama-quantize wrote, and dequantizing those bytes
 * must give exactly what gguf-py's dequantizer gives.
 */
class GoldenQuantTest {
    private static final String DIR = "/golden/quant/";

    record Rows(String tensor, int rows, int cols) {}

    static List<Rows> samples() {
        List<Rows> rows = new ArrayList<>();
        for (String line : resourceText("manifest.txt").split("\n")) {
            String[] f = line.trim().split(" ");
            if (f[0].equals("tensor")) rows.add(new Rows(f[1], Integer.parseInt(f[3]), Integer.parseInt(f[4])));
        }
        return rows;
    }

    static Stream<Arguments> types() {
        List<Arguments> types = new ArrayList<>();
        for (String line : resourceText("manifest.txt").split("\n")) {
            String[] f = line.trim().split(" ");
            if (f[0].equals("type")) types.add(Arguments.of(GgmlType.valueOf(f[2]), f[1]));
        }
        assertThat(types).hasSize(12);
        return types.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void quantizeMatchesLlamaQuantizeBytes(GgmlType type, String file) {
        checkQuantize(ScalarTypeOps.of(type), file);
        checkQuantize(TypeOps.of(type), file);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void dequantizeMatchesGgufPy(GgmlType type, String file) {
        checkDequantize(ScalarTypeOps.of(type), file);
        checkDequantize(TypeOps.of(type), file);
    }

    /** The activation rows (next source row of the same sample) as golden_dots.c builds them. */
    static float[][] activationRows() {
        float[] source = floats(resource("source.f32"));
        List<float[]> rows = new ArrayList<>();
        int pos = 0;
        for (Rows r : samples()) {
            for (int row = 0; row < r.rows(); row++) {
                int next = pos + ((row + 1) % r.rows()) * r.cols();
                rows.add(java.util.Arrays.copyOfRange(source, next, next + r.cols()));
            }
            pos += r.rows() * r.cols();
        }
        return rows.toArray(float[][]::new);
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(names = {"Q8_0", "Q8_1", "Q8_K"})
    void activationEncodingMatchesGgmlReference(GgmlType type) {
        byte[] expected = resource("act_" + type.name().toLowerCase() + ".bin");
        for (TypeOps ops : new TypeOps[] {ScalarTypeOps.of(type), TypeOps.of(type)}) {
            long pos = 0;
            for (float[] row : activationRows()) {
                MemorySegment got = TestData.quantized(ops, row);
                byte[] want = java.util.Arrays.copyOfRange(expected, (int) pos, (int) (pos + got.byteSize()));
                assertThat(got.toArray(ValueLayout.JAVA_BYTE)).as("%s at byte %d", ops, pos).isEqualTo(want);
                pos += got.byteSize();
            }
            assertThat(pos).isEqualTo(expected.length);
        }
    }

    /**
     * Hearth's dot of llama-quantize's weight rows with Hearth-encoded activations against ggml's CPU
     * vec_dot on the same inputs (golden_dots.c). ggml sums in its SIMD order, so the tolerance is
     * 1e-5 of Σ|w·a| over the dequantized values.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("typesAndF32")
    void dotMatchesGgmlVecDot(GgmlType type, String file) {
        float[] expected = floats(resource("dot_" + file + ".f32"));
        byte[] weights = type == GgmlType.F32 ? resource("source.f32") : resource(file + ".bin");
        float[][] acts = activationRows();
        assertThat(expected).hasSize(acts.length);
        for (TypeOps ops : new TypeOps[] {ScalarTypeOps.of(type), TypeOps.of(type)}) {
            TypeOps act = TypeOps.of(ops.dotType());
            long wPos = 0;
            for (int r = 0; r < acts.length; r++) {
                int n = acts[r].length;
                long rowBytes = type.bytesFor(n);
                MemorySegment w = TestData.segment(rowBytes);
                w.copyFrom(MemorySegment.ofArray(weights).asSlice(wPos, rowBytes));
                MemorySegment a = TestData.quantized(act, acts[r]);
                float[] wd = TestData.dequantized(ops, w, n);
                float[] ad = TestData.dequantized(act, a, n);
                double magnitude = 0;
                for (int i = 0; i < n; i++) magnitude += Math.abs((double) wd[i] * ad[i]);
                assertThat((double) ops.dot(w, 0, a, 0, n)).as("%s row %d", ops, r)
                        .isCloseTo(expected[r], org.assertj.core.api.Assertions.within(1e-5 * magnitude + 1e-30));
                wPos += rowBytes;
            }
        }
    }

    static Stream<Arguments> typesAndF32() {
        return Stream.concat(types(), Stream.of(Arguments.of(GgmlType.F32, "f32")));
    }

    private static void checkQuantize(TypeOps ops, String file) {
        float[] source = floats(resource("source.f32"));
        byte[] expected = resource(file + ".bin");
        MemorySegment out = Arena.ofAuto().allocate(expected.length);
        int srcPos = 0;
        long outPos = 0;
        for (Rows r : samples()) {
            for (int row = 0; row < r.rows(); row++) {
                ops.quantize(source, srcPos, out, outPos, r.cols());
                long rowBytes = ops.type().bytesFor(r.cols());
                byte[] got = out.asSlice(outPos, rowBytes).toArray(ValueLayout.JAVA_BYTE);
                byte[] want = java.util.Arrays.copyOfRange(expected, (int) outPos, (int) (outPos + rowBytes));
                if (!java.util.Arrays.equals(got, want)) {
                    int i = java.util.Arrays.mismatch(got, want);
                    fail("%s: %s row %d differs from llama-quantize at byte %d of the row (block %d, byte %d): got %d, want %d",
                            ops, r.tensor(), row, i, i / ops.type().blockBytes, i % ops.type().blockBytes, got[i], want[i]);
                }
                srcPos += r.cols();
                outPos += rowBytes;
            }
        }
        assertThat(outPos).isEqualTo(expected.length);
    }

    private static void checkDequantize(TypeOps ops, String file) {
        byte[] bytes = resource(file + ".bin");
        float[] expected = floats(resource(file + ".deq.f32"));
        MemorySegment seg = Arena.ofAuto().allocate(bytes.length + 64L).asSlice(7, bytes.length); // odd address on purpose
        seg.copyFrom(MemorySegment.ofArray(bytes));
        float[] got = new float[expected.length];
        ops.dequantize(seg, 0, got, 0, expected.length);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToIntBits(got[i]) != Float.floatToIntBits(expected[i])) {
                fail("%s: value %d (block %d) is %s, gguf-py says %s", ops, i, i / ops.type().blockSize, got[i], expected[i]);
            }
        }
    }

    static float[] floats(byte[] bytes) {
        float[] f = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }

    static byte[] resource(String name) {
        try (InputStream in = GoldenQuantTest.class.getResourceAsStream(DIR + name)) {
            if (in == null) throw new IllegalStateException("missing test resource " + DIR + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String resourceText(String name) {
        return new String(resource(name), StandardCharsets.UTF_8);
    }
}
