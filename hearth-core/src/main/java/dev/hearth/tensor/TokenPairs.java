package dev.hearth.tensor;

import static dev.hearth.tensor.Simd.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * The driver the K-quants' {@code dotTokens} share (speculative decoding's verification, activations in
 * {@link GgmlType#Q8_K_WIDE}): a weight row is decoded {@link #CHUNK} blocks at a time into a per-thread
 * scratch, and each pair of tokens runs over the decoded chunk, its two accumulators saved after the chunk
 * and resumed with the next, so the sums are those of one pass. What a block decodes to, and how a pair
 * multiplies it, is the type's ({@link Decoder}, {@link PairKernel}); the lane tree at the end is
 * {@link LaneSum#of}'s, the one every dot ends with.
 */
final class TokenPairs {
    /** Decodes {@code blocks} blocks of the weight row at {@code w + wOffset} into {@code u}, {@link #DECODED_BLOCK} bytes each. */
    @FunctionalInterface
    interface Decoder {
        void decode(MemorySegment w, long wOffset, int blocks, MemorySegment u);
    }

    /**
     * Both tokens' dots over {@code blocks} decoded blocks (their activations at {@code a + aoA}, {@code a + aoB}),
     * into the accumulators at {@code u + accAt} and {@code u + accAt + 64}: fresh when {@code first}, else resumed.
     */
    @FunctionalInterface
    interface PairKernel {
        void run(MemorySegment u, int blocks, MemorySegment a, long aoA, long aoB, boolean first, long accAt);
    }

    /** Bytes of one decoded block in the scratch (the Q4_K and Q6_K layouts both fit; a multiple of 64). */
    static final int DECODED_BLOCK = 896;
    /** Blocks decoded at a time: 8 (7 KB decoded) and two tokens' activations (11 KB) fit in L1 with room to spare. */
    static final int CHUNK = 8;
    private static final int ACTIVATION_BLOCK = GgmlType.Q8_K_WIDE.blockBytes;

    private final int blockBytes;
    private final Decoder decoder;
    private final PairKernel kernel;
    /** Each thread's decoded chunk, then the tokens' saved accumulators; grown as needed. */
    private final ThreadLocal<MemorySegment> scratch = ThreadLocal.withInitial(() -> MemorySegment.NULL);

    TokenPairs(int blockBytes, Decoder decoder, PairKernel kernel) {
        this.blockBytes = blockBytes;
        this.decoder = decoder;
        this.kernel = kernel;
    }

    /**
     * The dots of a row of {@code nb} weight blocks with the first 2·⌊tokens/2⌋ tokens (token t's activations at
     * {@code a + aOffset + t·aStride}) into {@code out[outOffset + t·outStride]}; returns how many tokens that
     * is, leaving an odd last one to the caller.
     */
    int run(MemorySegment w, long wOffset, int nb, MemorySegment a, long aOffset, long aStride, int tokens,
            float[] out, int outOffset, int outStride) {
        int pairs = tokens / 2 * 2;
        long accAt = (long) DECODED_BLOCK * CHUNK;
        MemorySegment u = scratch.get();
        if (u.byteSize() < accAt + 64L * pairs) scratch.set(u = Arena.ofAuto().allocate(accAt + 64L * pairs, 64));
        for (int b0 = 0; b0 < nb; b0 += CHUNK) {
            int blocks = Math.min(CHUNK, nb - b0);
            decoder.decode(w, wOffset + (long) blockBytes * b0, blocks, u);
            for (int t = 0; t < pairs; t += 2) {
                long ao = aOffset + t * aStride + (long) ACTIVATION_BLOCK * b0;
                kernel.run(u, blocks, a, ao, ao + aStride, b0 == 0, accAt + 64L * t);
            }
        }
        for (int t = 0; t < pairs; t++) {
            FloatVector acc = FloatVector.fromMemorySegment(F512, u, accAt + 64L * t, ORDER);
            acc = acc.add(acc.rearrange(LaneSum.HALF8));
            acc = acc.add(acc.rearrange(LaneSum.HALF4));
            acc = acc.add(acc.rearrange(LaneSum.HALF2));
            out[outOffset + t * outStride] = acc.lane(0) + acc.lane(1);
        }
        return pairs;
    }
}
