package dev.hearth.tensor;

import static jdk.incubator.vector.VectorOperators.*;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Shared Vector API building blocks of the int8 kernels.
 *
 * <p>The quantized dots all reduce to exact integer products summed in 16- then 32-bit lanes (the
 * Vector API has no int8 dot product instruction). Activations are encoded once per step in a
 * 16-bit "wide" layout ({@code Q8_0_WIDE}, {@code Q8_K_WIDE}: the same integers as ggml's Q8_0/Q8_K),
 * so per weight row only the weights are unpacked; for the K-quants the activations are also put in
 * the order in which the weights' bit fields fall out of 16-bit lanes, which lets one shift and mask
 * yield two weights. (Q4_0's dot is the exception: its activations, {@code Q8_0_NIBBLE}, are the same
 * integers as pre-scaled floats, and its products are FMAs on weights decoded into float mantissas.) A lane's two products are summed in 16 bits, adjacent lanes into 32 bits with
 * {@code (t + (t << 16)) >> 16}. The shapes are fixed at 512 bits (32 shorts, 16 ints, 16 floats),
 * matching the AVX-512 machines Hearth targets.
 *
 * <p>The hot dot kernels do not call the vector helpers below; they spell their few lines out. The
 * reason is C2: once a helper has been compiled on its own (it is hot during warm-up) into more than
 * InlineSmallCode bytes, which vector code always is, C2 stops inlining it, and a call that passes
 * or returns vectors, or that happens while vectors are live, forces them into heap objects. Measured:
 * Q4_K's dot fell from 3.1 to 1.2 GB/s depending on which other kernel had warmed a helper up first
 * (with -XX:InlineSmallCode=100000 it stayed at 3.1). The helpers remain for the less hot paths
 * (activation quantizers, conversions) and the constants.
 *
 * <p>Kernels change a vector's lane type with {@code reinterpretShape(I512 or S512, 0)} and a cast, never
 * with {@code reinterpretAsInts}/{@code reinterpretAsShorts}: those are AbstractVector's, and the virtual
 * call inside them has one type profile for the whole process. Once several kernels' vector classes
 * have filled it, C2 may compile a kernel with that call left virtual (measured: Q4_0 generation at half
 * its speed) or with a shift left to its Java fallback (Q4_K generation at a quarter). reinterpretShape is
 * overridden by each vector class, so its call is bound by the calling kernel's own profile.
 */
final class Simd {
    private Simd() {}

    static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
    static final VectorSpecies<Short> S256 = ShortVector.SPECIES_256;
    static final VectorSpecies<Short> S512 = ShortVector.SPECIES_512;
    static final VectorSpecies<Integer> I512 = IntVector.SPECIES_512;
    static final VectorSpecies<Float> F512 = FloatVector.SPECIES_512;
    static final VectorSpecies<Long> L512 = jdk.incubator.vector.LongVector.SPECIES_512;
    static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    /** Two vectors of 16 ints narrowed (truncated) to bytes: lanes 0..15 from lo, 16..31 from hi. */
    static ByteVector narrowToBytes(IntVector lo, IntVector hi) {
        return ((ByteVector) lo.convertShape(I2B, B256, 0)).or((ByteVector) hi.convertShape(I2B, B256, -1));
    }

    /** Two vectors of 16 ints narrowed (truncated) to shorts: lanes 0..15 from lo, 16..31 from hi. */
    static ShortVector narrowToShorts(IntVector lo, IntVector hi) {
        return ((ShortVector) lo.convertShape(I2S, S512, 0)).or((ShortVector) hi.convertShape(I2S, S512, -1));
    }

    /** C roundf per lane (ties away from zero), for |v| < 2^23: truncate, then fix by the exact fraction. */
    static IntVector roundHalfAway(FloatVector v) {
        IntVector t = (IntVector) v.convert(F2I, 0);
        FloatVector frac = v.sub((FloatVector) t.convert(I2F, 0));
        t = t.add(1, frac.compare(GE, 0.5f).cast(I512));
        return t.sub(1, frac.compare(VectorOperators.LE, -0.5f).cast(I512));
    }

    /** ggml's nearest_int per lane (ties to even), for |v| ≤ 4194303: the 1.5·2^23 trick, in vector lanes. */
    static IntVector nearestInt(FloatVector v) {
        IntVector bits = (IntVector) v.add(12582912.f).reinterpretShape(I512, 0);
        return bits.and(0x007fffff).sub(0x00400000);
    }

    /** 32 halves at {@code offset}, for {@link #halfToFloat}. */
    static ShortVector loadHalves(MemorySegment s, long offset) {
        return ShortVector.fromMemorySegment(S512, s, offset, ORDER);
    }

    /**
     * Halves 16·part .. 16·part+15 of {@code h} to floats, exactly (IEEE binary16 → binary32,
     * subnormals, inf, NaN quieted as {@link Float#float16ToFloat} does).
     */
    static FloatVector halfToFloat(ShortVector h, int part) {
        IntVector x = (IntVector) h.convertShape(S2I, I512, part);
        // exponent+mantissa moved to float position, then scaled by 2^112 = 2^(127-15): that rebias
        // is exact for normals and turns half subnormals into the right float normals
        FloatVector mag = x.and(0x7fff).lanewise(LSHL, 13).reinterpretAsFloats().mul(0x1p112f);
        IntVector bits = (IntVector) mag.reinterpretShape(I512, 0);
        // half exponent 31 (inf/NaN) lands at ≥ 2^16: force the float exponent to all ones, and
        // make NaNs quiet as Float.float16ToFloat (and the x86 F16C conversion ggml uses) do
        bits = bits.lanewise(OR, 0x7f800000, mag.compare(GE, 65536f).cast(I512));
        bits = bits.lanewise(OR, 0x00400000, x.and(0x7fff).compare(GT, 0x7c00));
        return bits.or(x.and(0x8000).lanewise(LSHL, 16)).reinterpretAsFloats();
    }

    /** bfloat16 lanes 16·part .. 16·part+15 of {@code h} to floats (exact: they are the floats' upper halves). */
    static FloatVector bf16ToFloat(ShortVector h, int part) {
        IntVector x = (IntVector) h.convertShape(S2I, I512, part);
        return x.lanewise(LSHL, 16).reinterpretAsFloats();
    }
}
