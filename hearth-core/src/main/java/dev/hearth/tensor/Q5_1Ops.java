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
 * Q5_1: 32 values per 24-byte block = {@code ggml_half d; ggml_half m; uint8_t qh[4]; uint8_t
 * qs[16]} (bits as in Q5_0); value = d·q + m (ggml-common.h block_q5_1). Dots against Q8_1.
 */
class Q5_1Ops extends BlockOps {
    static final int QK = 32;

    Q5_1Ops() {
        super(GgmlType.Q5_1, GgmlType.Q8_1);
    }

    static int level(MemorySegment s, long off, int qh, int j) {
        int q = u8(s, off + 8 + (j & 15));
        int low = j < 16 ? q & 0xF : q >> 4;
        return low | (((qh >>> j) & 1) << 4);
    }

    @Override
    void dequantizeBlock(MemorySegment src, long off, float[] dst, int dstOff) {
        float d = half(src, off);
        float m = half(src, off + 2);
        int qh = i32(src, off + 4);
        for (int j = 0; j < QK; j++) dst[dstOff + j] = level(src, off, qh, j) * d + m;
    }

    /** quantize_row_q5_1_ref: d = (max-min)/31, m = min, q = trunc((x-min)/d + 0.5) (no clamp in ggml). */
    @Override
    void quantizeBlock(float[] x, int xOff, MemorySegment dst, long off) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (int j = 0; j < QK; j++) {
            float v = x[xOff + j];
            if (v < min) min = v;
            if (v > max) max = v;
        }
        float d = (max - min) / 31;
        float id = d != 0 ? 1.0f / d : 0.0f;
        putHalf(dst, off, d);
        putHalf(dst, off + 2, min);
        int qh = 0;
        for (int j = 0; j < QK / 2; j++) {
            // ggml stores these through uint8_t: keep the low 8 bits
            int q0 = ((int) ((x[xOff + j] - min) * id + 0.5f)) & 0xFF;
            int q1 = ((int) ((x[xOff + QK / 2 + j] - min) * id + 0.5f)) & 0xFF;
            putByte(dst, off + 8 + j, (q0 & 0xF) | ((q1 & 0xF) << 4));
            qh |= ((q0 >> 4) & 1) << j;
            qh |= ((q1 >> 4) & 1) << (j + QK / 2);
        }
        dst.set(INT_LE, off + 4, qh);
    }

    /** ggml_vec_dot_q5_1_q8_1_generic: (d_w·d_a)·sumi + m_w·s_a. */
    @Override
    float dotBlock(MemorySegment w, long wOff, MemorySegment a, long aOff) {
        int qh = i32(w, wOff + 4);
        int sumi = 0;
        for (int j = 0; j < QK; j++) sumi += level(w, wOff, qh, j) * i8(a, aOff + 4 + j);
        return (half(w, wOff) * half(a, aOff)) * sumi + half(w, wOff + 2) * half(a, aOff + 2);
    }

    /** Vector dot: Q5_0's decoding without the offset, plus the m·s term. Self-contained on purpose: see {@link Simd} on why kernels do not call vector helpers. */
    static final class Vectorized extends Q5_1Ops {
        @Override
        public float dot(MemorySegment w, long wOffset, MemorySegment a, long aOffset, int n) {
            checkLength(GgmlType.Q5_1, n);
            FloatVector acc = FloatVector.zero(F512);
            float mins = 0;
            for (int b = 0; b < n / QK; b++) {
                long wo = wOffset + 24L * b, ao = aOffset + 36L * b;
                float d = half(w, wo) * half(a, ao);
                mins += half(w, wo + 2) * half(a, ao + 2);
                int qh = i32(w, wo + 4);
                ByteVector q = ByteVector.fromMemorySegment(B128, w, wo + 8, ORDER);
                ShortVector lo = (ShortVector) q.and((byte) 0xF).convertShape(B2S, S256, 0);
                ShortVector hi = (ShortVector) q.lanewise(LSHR, 4).convertShape(B2S, S256, 0);
                lo = lo.add((short) 16, ShortVector.broadcast(S256, (short) qh).and(Q5_0Ops.LANE_BITS).compare(NE, (short) 0));
                hi = hi.add((short) 16, ShortVector.broadcast(S256, (short) (qh >>> 16)).and(Q5_0Ops.LANE_BITS).compare(NE, (short) 0));
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
