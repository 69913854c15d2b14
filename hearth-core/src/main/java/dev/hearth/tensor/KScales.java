package dev.hearth.tensor;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/** Packing of the 6-bit sub-block scales shared by several K-quant formats. */
final class KScales {
    private KScales() {}

    /**
     * Q4_K/Q5_K: 8 (scale, min) pairs of 6 bits in 12 bytes (ggml-quants.c get_scale_min_k4).
     * Pairs 0..3: scale = bytes[j] & 63, min = bytes[j+4] & 63. Pairs 4..7: low 4 bits in the nibbles
     * of bytes[j+4], high 2 bits in the top bits of bytes[j-4] (scale) and bytes[j] (min).
     * Writes scale to out[0] and min to out[1].
     */
    static void scaleMinK4(MemorySegment s, long scalesOff, int j, int[] out) {
        if (j < 4) {
            out[0] = Blocks.u8(s, scalesOff + j) & 63;
            out[1] = Blocks.u8(s, scalesOff + j + 4) & 63;
        } else {
            int packed = Blocks.u8(s, scalesOff + j + 4);
            out[0] = (packed & 0xF) | ((Blocks.u8(s, scalesOff + j - 4) >> 6) << 4);
            out[1] = (packed >> 4) | ((Blocks.u8(s, scalesOff + j) >> 6) << 4);
        }
    }

    /** The inverse of {@link #scaleMinK4}: packs 8 scales and 8 mins (each 0..63) into 12 bytes. */
    static byte[] packScaleMinK4(int[] scales, int[] mins) {
        byte[] b = new byte[12];
        for (int j = 0; j < 8; j++) {
            int ls = scales[j];
            int lm = mins[j];
            if (j < 4) {
                b[j] = (byte) ls;
                b[j + 4] = (byte) lm;
            } else {
                b[j + 4] = (byte) ((ls & 0xF) | ((lm & 0xF) << 4));
                b[j - 4] |= (byte) ((ls >> 4) << 6);
                b[j] |= (byte) ((lm >> 4) << 6);
            }
        }
        return b;
    }

    /**
     * Q3_K: 16 signed 6-bit scales in 12 bytes (ggml-quants.c quantize_row_q3_K_ref). Scale j's low
     * nibble is the low (j < 8) or high (j ≥ 8) nibble of bytes[j % 8]; its top two bits are bits
     * 2·(j/4) of bytes[8 + j%4]; the stored value is offset by +32. Returns the signed scale.
     */
    static int q3Scale(MemorySegment s, long scalesOff, int j) {
        int low = j < 8 ? Blocks.u8(s, scalesOff + j) & 0xF : Blocks.u8(s, scalesOff + j - 8) >> 4;
        int high = (Blocks.u8(s, scalesOff + 8 + j % 4) >> (2 * (j / 4))) & 3;
        return (low | (high << 4)) - 32;
    }

    /** Scale j (0..7) of a Q4_K/Q5_K scales array; {@link #scaleMinK4} without the array. */
    static int scaleK4(MemorySegment s, long scalesOff, int j) {
        if (j < 4) return Blocks.u8(s, scalesOff + j) & 63;
        return (Blocks.u8(s, scalesOff + j + 4) & 0xF) | ((Blocks.u8(s, scalesOff + j - 4) >> 6) << 4);
    }

    /** Min j (0..7) of a Q4_K/Q5_K scales array. */
    static int minK4(MemorySegment s, long scalesOff, int j) {
        if (j < 4) return Blocks.u8(s, scalesOff + j + 4) & 63;
        return (Blocks.u8(s, scalesOff + j + 4) >> 4) | ((Blocks.u8(s, scalesOff + j) >> 6) << 4);
    }

    /*
     * Whole-array unpacking for the vector kernels: the same bit layout as above, done on 32-bit words
     * (the masks are the kmask constants of ggml-cpu's generic q3_K/q4_K dots). Byte j of the
     * returned long is value j.
     */

    /*
     * The same unpacking in vector lanes, for the Q4_K/Q5_K dots: the block's first 16 bytes as 4 ints
     * h = [d|dmin, w0, w1, w2] (w = the scales array's words). ((h picked by K4_PICK_X) >>> K4_SHIFT_X
     * & K4_MASK_X) | ((h picked by K4_PICK_Y) >>> 2 & K4_MASK_Y) holds in its 4 lanes the low and high
     * words of scalesK4, then of minsK4: bytes 0..7 the 8 scales, bytes 8..15 the 8 mins. Eight vector
     * operations in place of some 25 scalar ones (and two broadcasts) per block.
     */
    static final VectorSpecies<Integer> I128 = IntVector.SPECIES_128;
    static final VectorShuffle<Integer> K4_PICK_X = VectorShuffle.fromValues(I128, 1, 3, 2, 3), K4_PICK_Y = VectorShuffle.fromValues(I128, 1, 1, 2, 2);
    static final IntVector K4_SHIFT_X = IntVector.fromArray(I128, new int[] {0, 0, 0, 4}, 0);
    static final IntVector K4_MASK_X = IntVector.fromArray(I128, new int[] {0x3f3f3f3f, 0x0f0f0f0f, 0x3f3f3f3f, 0x0f0f0f0f}, 0);
    static final IntVector K4_MASK_Y = IntVector.fromArray(I128, new int[] {0, 0x30303030, 0, 0x30303030}, 0);

    /** The 8 scales of a Q4_K/Q5_K scales array, byte j = scale j (0..63). */
    static long scalesK4(MemorySegment s, long scalesOff) {
        return scalesK4(Blocks.i32(s, scalesOff), Blocks.i32(s, scalesOff + 8));
    }

    /** {@link #scalesK4} from the array's first and third 32-bit words (little-endian). */
    static long scalesK4(int s0, int s2) {
        int lo = s0 & 0x3f3f3f3f;
        int hi = (s2 & 0x0f0f0f0f) | (((s0 >>> 6) & 0x03030303) << 4);
        return (lo & 0xFFFFFFFFL) | ((long) hi << 32);
    }

    /** The 8 mins of a Q4_K/Q5_K scales array, byte j = min j (0..63). */
    static long minsK4(MemorySegment s, long scalesOff) {
        return minsK4(Blocks.i32(s, scalesOff + 4), Blocks.i32(s, scalesOff + 8));
    }

    /** {@link #minsK4} from the array's second and third 32-bit words (little-endian). */
    static long minsK4(int s1, int s2) {
        int lo = s1 & 0x3f3f3f3f;
        int hi = ((s2 >>> 4) & 0x0f0f0f0f) | (((s1 >>> 6) & 0x03030303) << 4);
        return (lo & 0xFFFFFFFFL) | ((long) hi << 32);
    }

    /** Q3_K's scales 0..7 (or 8..15 when {@code upper}), byte j = stored 6-bit value (signed scale + 32). */
    static long q3Scales(MemorySegment s, long scalesOff, boolean upper) {
        int a0 = Blocks.i32(s, scalesOff), a1 = Blocks.i32(s, scalesOff + 4), top = Blocks.i32(s, scalesOff + 8);
        int lo, hi;
        if (!upper) {
            lo = (a0 & 0x0f0f0f0f) | ((top & 0x03030303) << 4);
            hi = (a1 & 0x0f0f0f0f) | (((top >>> 2) & 0x03030303) << 4);
        } else {
            lo = ((a0 >>> 4) & 0x0f0f0f0f) | (((top >>> 4) & 0x03030303) << 4);
            hi = ((a1 >>> 4) & 0x0f0f0f0f) | (((top >>> 6) & 0x03030303) << 4);
        }
        return (lo & 0xFFFFFFFFL) | ((long) hi << 32);
    }
}
