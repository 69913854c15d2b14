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
 * Q4_1: 32 values per 20-byte block = {@code ggml_half d; ggml_half m; uint8_t qs[16]} (nibbles as
 * in Q4_0); value = d·q + m (ggml-common.h block_q4_1). Dots against Q8_1, whose {@code s} = d_a·Σa
 * supplies the m·Σa term.
 */
class Q4_1Ops extends BlockOps {
    static final int QK = 32;

    Q4_1Ops() {
        super(GgmlType.Q4_1, GgmlType.Q8_1);
    }

    @Override
    void dequantizeBlock(MemorySegment src, long off, float[] dst, int dstOff) {
        float d = half(src, off);
        float m = half(src, off + 2);
        for (int j = 0; j < QK / 2; j++) {
            int q = u8(src, off + 4 + j);
            dst[dstOff + j] = (q & 0xF) * d + m;
            dst[dstOff + j + QK / 2] = (q >> 4) * d + m;
        }
    }

    /** quantize_row_q4_1_ref: d = (max-min)/15, m = min, q = min(15, trunc((x-min)/d + 0.5)). */
    @Override
    void quantizeBlock(float[] x, int xOff, MemorySegment dst, long off) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (int j = 0; j < QK; j++) {
            float v = x[xOff + j];
            if (v < min) min = v;
            if (v > max) max = v;
        }
        float d = (max - min) / 15;
        float id = d != 0 ? 1.0f / d : 0.0f;
        putHalf(dst, off, d);
        putHalf(dst, off + 2, min);
        for (int j = 0; j < QK / 2; j++) {
            float x0 = (x[xOff + j] - min) * id;
            float x1 = (x[xOff + QK / 2 + j] - min) * id;
            int q0 = Math.min(15, (int) (x0 + 0.5f));
            int q1 = Math.min(15, (int) (x1 + 0.5f));
            putByte(dst, off + 4 + j, q0 | (q1 << 4));
        }
    }

    /** ggml_vec_dot_q4_1_q8_1_generic: (d_w·d_a)·sumi + m_w·s_a. */
    @Override
    float dotBlock(MemorySegment w, long wOff, MemorySegment a, long aOff) {
        int sumi = 0;
        for (int j = 0; j < QK / 2; j++) {
            int q = u8(w, wOff + 4 + j);
            sumi += (q & 0xF) * i8(a, aOff + 4 + j);
            sumi += (q >> 4) * i8(a, aOff + 4 + j + QK / 2);
        }
        return (half(w, wOff) * half(a, aOff)) * sumi + half(w, wOff + 2) * half(a, aOff + 2);
    }

    /** Vector dot: as Q4_0's without the offset, plus the m·s term in a scalar float sum. Self-contained on purpose: see {@link Simd} on why kernels do not call vector helpers. */
    static final class Vectorized extends Q4_1Ops {
        @Override
        public float dot(MemorySegment w, long wOffset, MemorySegment a, long aOffset, int n) {
            checkLength(GgmlType.Q4_1, n);
            FloatVector acc = FloatVector.zero(F512);
            float mins = 0;
            for (int b = 0; b < n / QK; b++) {
                long wo = wOffset + 20L * b, ao = aOffset + 36L * b;
                float d = half(w, wo) * half(a, ao);
                mins += half(w, wo + 2) * half(a, ao + 2);
                ByteVector q = ByteVector.fromMemorySegment(B128, w, wo + 4, ORDER);
                ShortVector lo = (ShortVector) q.and((byte) 0xF).convertShape(B2S, S256, 0);
                ShortVector hi = (ShortVector) q.lanewise(LSHR, 4).convertShape(B2S, S256, 0);
                ShortVector a0 = (ShortVector) ByteVector.fromMemorySegment(B128, a, ao + 4, ORDER).convertShape(B2S, S256, 0);
                ShortVector a1 = (ShortVector) ByteVector.fromMemorySegment(B128, a, ao + 20, ORDER).convertShape(B2S, S256, 0);
                IntVector s = (IntVector) lo.mul(a0).add(hi.mul(a1)).convertShape(S2I, I512, 0);
                acc = ((FloatVector) s.convert(I2F, 0)).fma(FloatVector.broadcast(F512, d), acc);
            }
            // LaneSum.of's tree spelled out (a call that is not inlined would box the vector for every row)
            acc = acc.add(acc.rearrange(LaneSum.HALF8));
            acc = acc.add(acc.rearrange(LaneSum.HALF4));
            acc = acc.add(acc.rearrange(LaneSum.HALF2));
            return acc.lane(0) + acc.lane(1) + mins;
        }
    }
}
