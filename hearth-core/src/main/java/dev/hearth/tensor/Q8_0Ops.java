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
 * Q8_0: 32 values per 34-byte block = {@code ggml_half d; int8_t qs[32]}, value = d·q
 * (ggml-common.h block_q8_0). Both a weight format and the activation format for Q4_0/Q5_0/Q8_0
 * (ggml-cpu.c type_traits_cpu vec_dot_type).
 */
class Q8_0Ops extends BlockOps {
    static final int QK = 32;

    Q8_0Ops() {
        super(GgmlType.Q8_0, GgmlType.Q8_0);
    }

    Q8_0Ops(GgmlType dotType) {
        super(GgmlType.Q8_0, dotType);
    }

    @Override
    void dequantizeBlock(MemorySegment src, long off, float[] dst, int dstOff) {
        float d = half(src, off);
        for (int j = 0; j < QK; j++) dst[dstOff + j] = i8(src, off + 2 + j) * d;
    }

    /** quantize_row_q8_0_ref: d = amax/127, q = roundf(x/d) (ties away from zero). */
    @Override
    void quantizeBlock(float[] x, int xOff, MemorySegment dst, long off) {
        quantizeReference(x, xOff, dst, off, off + 2);
    }

    /**
     * The reference 8-bit block quantization Q8_0 and Q8_1 share: writes d (fp16) at {@code dOff} and the
     * 32 values at {@code qsOff}; returns the scale d; Q8_1 sums the written values for its s.
     */
    static float quantizeReference(float[] x, int xOff, MemorySegment dst, long dOff, long qsOff) {
        float amax = 0;
        for (int j = 0; j < QK; j++) amax = Math.max(amax, Math.abs(x[xOff + j]));
        float d = amax / 127;
        float id = d != 0 ? 1.0f / d : 0.0f;
        putHalf(dst, dOff, d);
        for (int j = 0; j < QK; j++) putByte(dst, qsOff + j, QuantMath.roundHalfAway(x[xOff + j] * id));
        return d;
    }

    /** ggml_vec_dot_q8_0_q8_0_generic: sumi·(d_w·d_a). */
    /** llama.cpp's x86 run-time activation quantizer, not the file quantizer: see {@link CpuActivationQuant}. */
    @Override
    public void quantizeActivations(float[] x, int xOff, MemorySegment dst, long dstOffset, int n) {
        Blocks.checkLength(type(), n);
        CpuActivationQuant.q8_0(x, xOff, dst, dstOffset, n);
    }

    @Override
    float dotBlock(MemorySegment w, long wOff, MemorySegment a, long aOff) {
        int sumi = 0;
        for (int j = 0; j < QK; j++) sumi += i8(w, wOff + 2 + j) * i8(a, aOff + 2 + j);
        return sumi * (half(w, wOff) * half(a, aOff));
    }

    /**
     * Vector kernels. The dot takes {@link GgmlType#Q8_0_WIDE} activations (llama.cpp's run-time Q8_0
     * activations, already widened to 16 bits with their scale as a float, so only the weights are
     * widened per row): per block, 32 exact products in short lanes, adjacent pairs summed into int
     * lanes ({@code (t + (t << 16)) >> 16}: |2·127·128| fits 16 bits), scaled lanewise by d_w·d_a
     * (ggml's AVX2 kernel scales its lanes the same way). Quantize is the reference rounding in vector
     * lanes. Self-contained on purpose: see {@link Simd} on why kernels do not call vector helpers.
     */
    static final class Vectorized extends Q8_0Ops {
        Vectorized() {
            super(GgmlType.Q8_0_WIDE);
        }

        @Override
        public void dequantize(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
            Blocks.checkLength(type(), n);
            FastDecode.q8_0(src, srcOffset, dst, dstOffset, n);
        }

        /**
         * Four blocks per iteration, spelled out, their offsets constants from one base: C2's own 4x
         * unrolling of the one-block loop recomputed both addresses from the block index for every block
         * (34·b, 68·b, with bases spilled to the stack), ~4 extra instructions per block, and a
         * memory-bound loop with fewer instructions keeps more of its row's cache misses in flight
         * (one core, from memory: 13 -> 19-21 GB/s). Same operations in the same order as one block at a time.
         */
        @Override
        public float dot(MemorySegment w, long wOffset, MemorySegment a, long aOffset, int n) {
            checkLength(GgmlType.Q8_0, n);
            FloatVector acc = FloatVector.zero(F512);
            int nb = n / QK, b = 0;
            for (; b + 4 <= nb; b += 4) {
                long wo = wOffset + 34L * b, ao = aOffset + 68L * b;
                float d0 = half(w, wo) * f32(a, ao + Q8_0WideOps.D), d1 = half(w, wo + 34) * f32(a, ao + 68 + Q8_0WideOps.D);
                float d2 = half(w, wo + 68) * f32(a, ao + 136 + Q8_0WideOps.D), d3 = half(w, wo + 102) * f32(a, ao + 204 + Q8_0WideOps.D);
                ShortVector q0 = (ShortVector) ByteVector.fromMemorySegment(B256, w, wo + 2, ORDER).convertShape(B2S, S512, 0);
                ShortVector q1 = (ShortVector) ByteVector.fromMemorySegment(B256, w, wo + 36, ORDER).convertShape(B2S, S512, 0);
                ShortVector q2 = (ShortVector) ByteVector.fromMemorySegment(B256, w, wo + 70, ORDER).convertShape(B2S, S512, 0);
                ShortVector q3 = (ShortVector) ByteVector.fromMemorySegment(B256, w, wo + 104, ORDER).convertShape(B2S, S512, 0);
                IntVector t0 = (IntVector) q0.mul(ShortVector.fromMemorySegment(S512, a, ao, ORDER)).reinterpretShape(I512, 0);
                IntVector t1 = (IntVector) q1.mul(ShortVector.fromMemorySegment(S512, a, ao + 68, ORDER)).reinterpretShape(I512, 0);
                IntVector t2 = (IntVector) q2.mul(ShortVector.fromMemorySegment(S512, a, ao + 136, ORDER)).reinterpretShape(I512, 0);
                IntVector t3 = (IntVector) q3.mul(ShortVector.fromMemorySegment(S512, a, ao + 204, ORDER)).reinterpretShape(I512, 0);
                acc = ((FloatVector) t0.add(t0.lanewise(LSHL, 16)).lanewise(ASHR, 16).convert(I2F, 0)).fma(FloatVector.broadcast(F512, d0), acc);
                acc = ((FloatVector) t1.add(t1.lanewise(LSHL, 16)).lanewise(ASHR, 16).convert(I2F, 0)).fma(FloatVector.broadcast(F512, d1), acc);
                acc = ((FloatVector) t2.add(t2.lanewise(LSHL, 16)).lanewise(ASHR, 16).convert(I2F, 0)).fma(FloatVector.broadcast(F512, d2), acc);
                acc = ((FloatVector) t3.add(t3.lanewise(LSHL, 16)).lanewise(ASHR, 16).convert(I2F, 0)).fma(FloatVector.broadcast(F512, d3), acc);
            }
            for (; b < nb; b++) {
                long wo = wOffset + 34L * b, ao = aOffset + 68L * b;
                float d = half(w, wo) * f32(a, ao + Q8_0WideOps.D);
                ShortVector wq = (ShortVector) ByteVector.fromMemorySegment(B256, w, wo + 2, ORDER).convertShape(B2S, S512, 0);
                IntVector t = (IntVector) wq.mul(ShortVector.fromMemorySegment(S512, a, ao, ORDER)).reinterpretShape(I512, 0);
                acc = ((FloatVector) t.add(t.lanewise(LSHL, 16)).lanewise(ASHR, 16).convert(I2F, 0)).fma(FloatVector.broadcast(F512, d), acc);
            }
            // LaneSum.of's tree spelled out: not inlined here, the call boxed acc for every row (1.4 GB/s of
            // garbage in 1B Q8_0 generation)
            acc = acc.add(acc.rearrange(LaneSum.HALF8));
            acc = acc.add(acc.rearrange(LaneSum.HALF4));
            acc = acc.add(acc.rearrange(LaneSum.HALF2));
            return acc.lane(0) + acc.lane(1);
        }

        /**
         * Four rows at a time, rows r, r + q, r + 2q, r + 3q (q = nRows/4): four weight streams far apart keep more
         * of the memory's bandwidth busy than one row's stream (as F16's dotRows), the activation block is loaded
         * once for the four, and four accumulators hide the FMA latency that bounds one row. Each row's sum is
         * {@link #dot}'s, operation for operation. Rows left over (nRows not a multiple of 4) go through the
         * same kernel with the last row repeated, never through dot alone, which is called so rarely that it
         * stays C1-compiled (see Q4_0Ops.Vectorized.dotRows).
         */
        @Override
        public void dotRows(MemorySegment w, long wOffset, long rowStride, int nRows, MemorySegment a, long aOffset, int n, float[] out, int outOffset) {
            checkLength(GgmlType.Q8_0, n);
            int q = nRows / 4;
            long step = q * rowStride;
            for (int r = 0; r < q; r++) {
                long w0 = wOffset + r * rowStride;
                int o = outOffset + r;
                fourRows(w, w0, w0 + step, w0 + 2 * step, w0 + 3 * step, a, aOffset, n, out, o, o + q, o + 2 * q, o + 3 * q);
            }
            int r0 = 4 * q, left = nRows - r0;
            if (left > 0) {
                long w0 = wOffset + r0 * rowStride;
                int o = outOffset + r0;
                int r1 = Math.min(1, left - 1), r2 = Math.min(2, left - 1);
                fourRows(w, w0, w0 + r1 * rowStride, w0 + r2 * rowStride, w0 + r2 * rowStride, a, aOffset, n, out, o, o + r1, o + r2, o + r2);
            }
        }

        /** Several tokens (speculative decoding's verification): {@link Q8_0Tokens}, each weight block widened once for nine tokens. */
        @Override
        public void dotRowsTokens(MemorySegment w, long wOffset, long rowStride, int nRows, MemorySegment a, long aOffset, long aStride,
                                  int tokens, int n, float[] out, int outOffset, int outStride) {
            checkLength(GgmlType.Q8_0, n);
            Q8_0Tokens.KERNEL.dotRowsTokens(this, false, w, wOffset, rowStride, nRows, a, aOffset, aStride, tokens, n, out, outOffset, outStride);
        }

        /** {@link #dot} of the rows at w0..w3 into out[i0..i3]. */
        private static void fourRows(MemorySegment w, long w0, long w1, long w2, long w3, MemorySegment a, long aOffset, int n,
                                     float[] out, int i0, int i1, int i2, int i3) {
            FloatVector c0 = FloatVector.zero(F512), c1 = c0, c2 = c0, c3 = c0;
            for (int b = 0, nb = n / QK; b < nb; b++) {
                long wb = 34L * b, ao = aOffset + 68L * b;
                float da = f32(a, ao + Q8_0WideOps.D);
                ShortVector x = ShortVector.fromMemorySegment(S512, a, ao, ORDER);
                IntVector t0 = (IntVector) ((ShortVector) ByteVector.fromMemorySegment(B256, w, w0 + wb + 2, ORDER).convertShape(B2S, S512, 0)).mul(x).reinterpretShape(I512, 0);
                IntVector t1 = (IntVector) ((ShortVector) ByteVector.fromMemorySegment(B256, w, w1 + wb + 2, ORDER).convertShape(B2S, S512, 0)).mul(x).reinterpretShape(I512, 0);
                IntVector t2 = (IntVector) ((ShortVector) ByteVector.fromMemorySegment(B256, w, w2 + wb + 2, ORDER).convertShape(B2S, S512, 0)).mul(x).reinterpretShape(I512, 0);
                IntVector t3 = (IntVector) ((ShortVector) ByteVector.fromMemorySegment(B256, w, w3 + wb + 2, ORDER).convertShape(B2S, S512, 0)).mul(x).reinterpretShape(I512, 0);
                c0 = ((FloatVector) t0.add(t0.lanewise(LSHL, 16)).lanewise(ASHR, 16).convert(I2F, 0)).fma(FloatVector.broadcast(F512, half(w, w0 + wb) * da), c0);
                c1 = ((FloatVector) t1.add(t1.lanewise(LSHL, 16)).lanewise(ASHR, 16).convert(I2F, 0)).fma(FloatVector.broadcast(F512, half(w, w1 + wb) * da), c1);
                c2 = ((FloatVector) t2.add(t2.lanewise(LSHL, 16)).lanewise(ASHR, 16).convert(I2F, 0)).fma(FloatVector.broadcast(F512, half(w, w2 + wb) * da), c2);
                c3 = ((FloatVector) t3.add(t3.lanewise(LSHL, 16)).lanewise(ASHR, 16).convert(I2F, 0)).fma(FloatVector.broadcast(F512, half(w, w3 + wb) * da), c3);
            }
            // dot's lane tree, spelled out (a helper taking the vector would box it: see dot)
            c0 = c0.add(c0.rearrange(LaneSum.HALF8)); c1 = c1.add(c1.rearrange(LaneSum.HALF8));
            c2 = c2.add(c2.rearrange(LaneSum.HALF8)); c3 = c3.add(c3.rearrange(LaneSum.HALF8));
            c0 = c0.add(c0.rearrange(LaneSum.HALF4)); c1 = c1.add(c1.rearrange(LaneSum.HALF4));
            c2 = c2.add(c2.rearrange(LaneSum.HALF4)); c3 = c3.add(c3.rearrange(LaneSum.HALF4));
            c0 = c0.add(c0.rearrange(LaneSum.HALF2)); c1 = c1.add(c1.rearrange(LaneSum.HALF2));
            c2 = c2.add(c2.rearrange(LaneSum.HALF2)); c3 = c3.add(c3.rearrange(LaneSum.HALF2));
            out[i0] = c0.lane(0) + c0.lane(1);
            out[i1] = c1.lane(0) + c1.lane(1);
            out[i2] = c2.lane(0) + c2.lane(1);
            out[i3] = c3.lane(0) + c3.lane(1);
        }

        @Override
        public void quantize(float[] x, int xOff, MemorySegment dst, long dstOffset, int n) {
            checkLength(GgmlType.Q8_0, n);
            for (int b = 0; b < n / QK; b++) {
                int o = xOff + QK * b;
                long off = dstOffset + 34L * b;
                FloatVector v0 = FloatVector.fromArray(F512, x, o);
                FloatVector v1 = FloatVector.fromArray(F512, x, o + 16);
                float amax = v0.abs().max(v1.abs()).reduceLanes(MAX);
                float d = amax / 127;
                float id = d != 0 ? 1.0f / d : 0.0f;
                putHalf(dst, off, d);
                Simd.narrowToBytes(Simd.roundHalfAway(v0.mul(id)), Simd.roundHalfAway(v1.mul(id)))
                        .intoMemorySegment(dst, off + 2, ORDER);
            }
        }
    }
}
