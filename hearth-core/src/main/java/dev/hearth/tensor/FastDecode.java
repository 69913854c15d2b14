package dev.hearth.tensor;

import static dev.hearth.tensor.Blocks.half;
import static dev.hearth.tensor.Blocks.i8;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorized dequantization of the formats real files are mostly made of (Q8_0, Q4_0, Q4_K, Q5_K, Q6_K),
 * 16 values per step. Prompt processing decodes every weight once per batch of tokens, so decoding
 * must cost little next to the multiply; the arithmetic is ggml's {@code dequantize_row_*} (the same
 * float operations in the same order, so the values equal the scalar reference's bit for bit).
 */
final class FastDecode {
    private static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Integer> I512 = IntVector.SPECIES_512;
    private static final VectorSpecies<Float> F512 = FloatVector.SPECIES_512;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private FastDecode() {}

    /** 16 bytes at {@code off} as 16 int lanes, zero-extended (0..255). */
    static IntVector bytes16(MemorySegment s, long off) {
        return ((IntVector) ByteVector.fromMemorySegment(B128, s, off, LE).convertShape(VectorOperators.B2I, I512, 0)).and(0xFF);
    }

    /** Q8_0: y = d · q (34-byte blocks of 32). */
    static void q8_0(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        for (int b = 0; b < n / 32; b++, off += 34, dstOff += 32) {
            float d = half(src, off);
            for (int h = 0; h < 2; h++) {
                IntVector q = (IntVector) ByteVector.fromMemorySegment(B128, src, off + 2 + 16 * h, LE).convertShape(VectorOperators.B2I, I512, 0);
                ((FloatVector) q.convert(VectorOperators.I2F, 0)).mul(d).intoArray(dst, dstOff + 16 * h);
            }
        }
    }

    /** Q4_0: y = (q - 8) · d; low nibbles are values 0..15, high nibbles 16..31 (18-byte blocks). */
    static void q4_0(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        for (int b = 0; b < n / 32; b++, off += 18, dstOff += 32) {
            float d = half(src, off);
            IntVector q = bytes16(src, off + 2);
            ((FloatVector) q.and(0xF).sub(8).convert(VectorOperators.I2F, 0)).mul(d).intoArray(dst, dstOff);
            ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).sub(8).convert(VectorOperators.I2F, 0)).mul(d).intoArray(dst, dstOff + 16);
        }
    }

    /** Q4_K: y = d·sc·q - dmin·m per 32-value sub-block (144-byte super-blocks of 256). */
    static void q4_k(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        for (int b = 0; b < n / 256; b++, off += 144, dstOff += 256) {
            float d = half(src, off), dmin = half(src, off + 2);
            long scales = KScales.scalesK4(src, off + 4), mins = KScales.minsK4(src, off + 4);
            for (int c = 0; c < 4; c++) {
                float d1 = d * (int) ((scales >>> (16 * c)) & 0xFF), m1 = dmin * (int) ((mins >>> (16 * c)) & 0xFF);
                float d2 = d * (int) ((scales >>> (16 * c + 8)) & 0xFF), m2 = dmin * (int) ((mins >>> (16 * c + 8)) & 0xFF);
                for (int h = 0; h < 2; h++) {
                    IntVector q = bytes16(src, off + 16 + 32 * c + 16 * h);
                    int o = dstOff + 64 * c + 16 * h;
                    ((FloatVector) q.and(0xF).convert(VectorOperators.I2F, 0)).mul(d1).sub(m1).intoArray(dst, o);
                    ((FloatVector) q.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0)).mul(d2).sub(m2).intoArray(dst, o + 32);
                }
            }
        }
    }

    /** Q5_K: Q4_K plus a fifth bit per value, bit e/32 of qh[e%32] (176-byte super-blocks of 256). */
    static void q5_k(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        for (int b = 0; b < n / 256; b++, off += 176, dstOff += 256) {
            float d = half(src, off), dmin = half(src, off + 2);
            long scales = KScales.scalesK4(src, off + 4), mins = KScales.minsK4(src, off + 4);
            for (int c = 0; c < 4; c++) {
                float d1 = d * (int) ((scales >>> (16 * c)) & 0xFF), m1 = dmin * (int) ((mins >>> (16 * c)) & 0xFF);
                float d2 = d * (int) ((scales >>> (16 * c + 8)) & 0xFF), m2 = dmin * (int) ((mins >>> (16 * c + 8)) & 0xFF);
                for (int h = 0; h < 2; h++) {
                    IntVector q = bytes16(src, off + 48 + 32 * c + 16 * h);
                    IntVector hb = bytes16(src, off + 16 + 16 * h);
                    int o = dstOff + 64 * c + 16 * h;
                    IntVector lo = q.and(0xF).or(hb.lanewise(VectorOperators.LSHR, 2 * c).and(1).lanewise(VectorOperators.LSHL, 4));
                    IntVector hi = q.lanewise(VectorOperators.LSHR, 4).or(hb.lanewise(VectorOperators.LSHR, 2 * c + 1).and(1).lanewise(VectorOperators.LSHL, 4));
                    ((FloatVector) lo.convert(VectorOperators.I2F, 0)).mul(d1).sub(m1).intoArray(dst, o);
                    ((FloatVector) hi.convert(VectorOperators.I2F, 0)).mul(d2).sub(m2).intoArray(dst, o + 32);
                }
            }
        }
    }

    /**
     * Q6_K (210-byte super-blocks: ql[128], qh[64], int8 scales[16], d): per half of 128 values and
     * l &lt; 32, four 6-bit values from ql[l], ql[l+32] (nibbles) and qh[l] (2-bit pairs), minus 32,
     * times d·scale of their 16-value group.
     */
    static void q6_k(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        for (int b = 0; b < n / 256; b++, off += 210, dstOff += 256) {
            float d = half(src, off + 208);
            for (int half = 0; half < 2; half++) {
                long ql = off + 64L * half, qh = off + 128 + 32L * half, sc = off + 192 + 8L * half;
                int y = dstOff + 128 * half;
                for (int g = 0; g < 2; g++) { // l in [16g, 16g+16): scale group is = g
                    IntVector l1 = bytes16(src, ql + 16 * g), l2 = bytes16(src, ql + 32 + 16 * g), h = bytes16(src, qh + 16 * g);
                    IntVector q1 = l1.and(0xF).or(h.and(3).lanewise(VectorOperators.LSHL, 4)).sub(32);
                    IntVector q2 = l2.and(0xF).or(h.lanewise(VectorOperators.LSHR, 2).and(3).lanewise(VectorOperators.LSHL, 4)).sub(32);
                    IntVector q3 = l1.lanewise(VectorOperators.LSHR, 4).or(h.lanewise(VectorOperators.LSHR, 4).and(3).lanewise(VectorOperators.LSHL, 4)).sub(32);
                    IntVector q4 = l2.lanewise(VectorOperators.LSHR, 4).or(h.lanewise(VectorOperators.LSHR, 6).lanewise(VectorOperators.LSHL, 4)).sub(32);
                    int o = y + 16 * g;
                    ((FloatVector) q1.convert(VectorOperators.I2F, 0)).mul(d * i8(src, sc + g)).intoArray(dst, o);
                    ((FloatVector) q2.convert(VectorOperators.I2F, 0)).mul(d * i8(src, sc + g + 2)).intoArray(dst, o + 32);
                    ((FloatVector) q3.convert(VectorOperators.I2F, 0)).mul(d * i8(src, sc + g + 4)).intoArray(dst, o + 64);
                    ((FloatVector) q4.convert(VectorOperators.I2F, 0)).mul(d * i8(src, sc + g + 6)).intoArray(dst, o + 96);
                }
            }
        }
    }
}
