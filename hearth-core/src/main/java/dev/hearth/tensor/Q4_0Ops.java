package dev.hearth.tensor;

import static dev.hearth.tensor.Blocks.*;
import static dev.hearth.tensor.Simd.*;
import static jdk.incubator.vector.VectorOperators.*;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q4_0: 32 values per 18-byte block = {@code ggml_half d; uint8_t qs[16]}; byte j holds value j in
 * its low nibble and value j+16 in its high nibble; value = d·(q - 8) (ggml-common.h block_q4_0,
 * ggml-quants.c dequantize_row_q4_0). Dots against Q8_0 activations.
 */
class Q4_0Ops extends BlockOps {
    static final int QK = 32;

    Q4_0Ops() {
        super(GgmlType.Q4_0, GgmlType.Q8_0);
    }

    Q4_0Ops(GgmlType dotType) {
        super(GgmlType.Q4_0, dotType);
    }

    @Override
    void dequantizeBlock(MemorySegment src, long off, float[] dst, int dstOff) {
        float d = half(src, off);
        for (int j = 0; j < QK / 2; j++) {
            int q = u8(src, off + 2 + j);
            dst[dstOff + j] = ((q & 0xF) - 8) * d;
            dst[dstOff + j + QK / 2] = ((q >> 4) - 8) * d;
        }
    }

    /**
     * quantize_row_q4_0_ref: d = max/-8 with max the signed value of largest magnitude (so it maps
     * to level 0 exactly), q = min(15, trunc(x/d + 8.5)).
     */
    @Override
    void quantizeBlock(float[] x, int xOff, MemorySegment dst, long off) {
        float amax = 0;
        float max = 0;
        for (int j = 0; j < QK; j++) {
            float v = x[xOff + j];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -8;
        float id = d != 0 ? 1.0f / d : 0.0f;
        putHalf(dst, off, d);
        for (int j = 0; j < QK / 2; j++) {
            float x0 = x[xOff + j] * id;
            float x1 = x[xOff + QK / 2 + j] * id;
            int q0 = Math.min(15, (int) (x0 + 8.5f));
            int q1 = Math.min(15, (int) (x1 + 8.5f));
            putByte(dst, off + 2 + j, q0 | (q1 << 4));
        }
    }

    /** ggml_vec_dot_q4_0_q8_0_generic: sumi·d_w·d_a. */
    @Override
    float dotBlock(MemorySegment w, long wOff, MemorySegment a, long aOff) {
        int sumi = 0;
        for (int j = 0; j < QK / 2; j++) {
            int q = u8(w, wOff + 2 + j);
            sumi += ((q & 0xF) - 8) * i8(a, aOff + 2 + j);
            sumi += ((q >> 4) - 8) * i8(a, aOff + 2 + j + QK / 2);
        }
        return sumi * half(w, wOff) * half(a, aOff);
    }

    /**
     * Vector dot: low and high nibbles decoded in byte lanes, multiplied with the activations' two
     * 16-byte halves in short lanes. Self-contained on purpose: see {@link Simd} on why kernels do not call vector helpers.
     */
    static final class Vectorized extends Q4_0Ops {
        /** Takes {@link GgmlType#Q8_0_WIDE} activations: the same numbers as Q8_0, already 16-bit. */
        Vectorized() {
            super(GgmlType.Q8_0_WIDE);
        }

        @Override
        public void dequantize(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
            Blocks.checkLength(type(), n);
            FastDecode.q4_0(src, srcOffset, dst, dstOffset, n);
        }

        @Override
        public float dot(MemorySegment w, long wOffset, MemorySegment a, long aOffset, int n) {
            checkLength(GgmlType.Q4_0, n);
            FloatVector acc = FloatVector.zero(F512);
            for (int b = 0; b < n / QK; b++) {
                long wo = wOffset + 18L * b, ao = aOffset + 68L * b;
                float d = half(w, wo) * f32(a, ao + Q8_0WideOps.D);
                ByteVector q = ByteVector.fromMemorySegment(B128, w, wo + 2, ORDER);
                ShortVector lo = (ShortVector) q.and((byte) 0xF).sub((byte) 8).convertShape(B2S, S256, 0);
                ShortVector hi = (ShortVector) q.lanewise(LSHR, 4).sub((byte) 8).convertShape(B2S, S256, 0);
                ShortVector a0 = ShortVector.fromMemorySegment(S256, a, ao, ORDER);
                ShortVector a1 = ShortVector.fromMemorySegment(S256, a, ao + 32, ORDER);
                IntVector s = (IntVector) lo.mul(a0).add(hi.mul(a1)).convertShape(S2I, I512, 0);
                acc = ((FloatVector) s.convert(I2F, 0)).fma(FloatVector.broadcast(F512, d), acc);
            }
            return LaneSum.of(acc);
        }
    }
}
