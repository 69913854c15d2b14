package dev.hearth.tensor;

import java.lang.foreign.MemorySegment;

/**
 * What one block format knows: how to read it, write it and multiply it.
 *
 * <p>Matrix products follow ggml's numerics: before a dot with a weight row of type {@link #type()},
 * the activations are converted once to {@link #dotType()} (ggml's {@code vec_dot_type}: Q8_0 for
 * Q4_0/Q5_0/Q8_0, Q8_1 for Q4_1/Q5_1, Q8_K for the K-quants, F16 for F16, BF16 for BF16, F32 for
 * F32) and the dot runs on the two encoded rows. That is both faster (integer arithmetic) and what
 * makes Hearth's logits land within llama.cpp's own noise.
 *
 * <p>Offsets are in bytes; {@code n} is a number of elements, a multiple of the block size.
 */
public interface TypeOps {
    GgmlType type();

    /** The format activations are converted to before {@link #dot}. */
    GgmlType dotType();

    /** Decodes {@code n} elements at {@code src + srcOffset} into {@code dst[dstOffset ..]}. */
    void dequantize(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n);

    /**
     * Decodes rows {@code [first, first + count)} of a matrix {@code w} of rows of {@code cols} elements into
     * {@code dst[dstOffset ..]}, row after row. By default one {@link #dequantize} run, the rows being
     * contiguous; layouts that regroup rows ({@link GgmlType#Q4_0_R16}) need the row length to find them.
     */
    default void dequantizeRows(MemorySegment w, int first, int count, int cols, float[] dst, int dstOffset) {
        dequantize(w, first * type().bytesFor(cols), dst, dstOffset, count * cols);
    }

    /**
     * Decodes values {@code [from, to)} of row {@code row} of a matrix {@code w} of rows of {@code cols} elements into
     * {@code dst[dstOffset ..]}; from and to are multiples of the type's block size (the prompt GEMM takes 256 at a
     * time: {@link PanelGemm#DECODE_COLUMNS}). By default one {@link #dequantize} run where those values lie in the row.
     */
    default void dequantizeSpan(MemorySegment w, int row, int cols, int from, int to, float[] dst, int dstOffset) {
        dequantize(w, row * type().bytesFor(cols) + type().bytesFor(from), dst, dstOffset, to - from);
    }

    /** Encodes {@code n} floats as ggml's reference quantizer ({@code quantize_row_*_ref}) does. */
    void quantize(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n);

    /**
     * Encodes activations for {@link #dot} with a weight whose {@link #dotType()} is this type, the way
     * llama.cpp's CPU backend does at run time; by default the same as {@link #quantize}.
     */
    default void quantizeActivations(float[] src, int srcOffset, MemorySegment dst, long dstOffset, int n) {
        quantize(src, srcOffset, dst, dstOffset, n);
    }

    /**
     * Decodes rows for the float GEMM of prompt processing ({@code FloatGemm}): the values of
     * {@link #dequantize}, in an order chosen so that the GEMM's sums match llama.cpp's. By default the
     * natural order; BF16 interleaves pairs as {@code vdpbf16ps} consumes them.
     */
    default void decodeForGemm(MemorySegment src, long srcOffset, float[] dst, int dstOffset, int n) {
        dequantize(src, srcOffset, dst, dstOffset, n);
    }

    /** Dot product of a weight row of this type with an activation row encoded as {@link #dotType()}. */
    float dot(MemorySegment w, long wOffset, MemorySegment a, long aOffset, int n);

    /**
     * Dots of {@code nRows} consecutive weight rows (row r at {@code wOffset + r·rowStride}) with one
     * activation row, into {@code out[outOffset ..]}. Same numbers as calling {@link #dot} per row
     * (up to float summation order); kernels that override it decode each activation block once for
     * several rows.
     */
    default void dotRows(MemorySegment w, long wOffset, long rowStride, int nRows,
                         MemorySegment a, long aOffset, int n, float[] out, int outOffset) {
        for (int r = 0; r < nRows; r++) out[outOffset + r] = dot(w, wOffset + r * rowStride, a, aOffset, n);
    }

    /**
     * {@link #dot} of one weight row with {@code tokens} activation rows (row t at {@code aOffset + t·aStride})
     * into {@code out[outOffset + t·outStride]}, each result bit for bit what {@link #dot} gives for that row
     * alone (a step that verifies drafted tokens must give the logits of one-token steps). Kernels that
     * override it decode each weight block once for several tokens.
     */
    default void dotTokens(MemorySegment w, long wOffset, MemorySegment a, long aOffset, long aStride, int tokens, int n,
                           float[] out, int outOffset, int outStride) {
        for (int t = 0; t < tokens; t++) out[outOffset + t * outStride] = dot(w, wOffset, a, aOffset + t * aStride, n);
    }

    /**
     * {@link #dotRows} of {@code nRows} weight rows with each of {@code tokens} activation rows (row t at
     * {@code aOffset + t·aStride}), token t's results at {@code out[outOffset + t·outStride ..]}: each result
     * bit for bit {@link #dot}'s, as {@link #dotTokens}. By default the rows' {@link #dotRows} once per
     * token, so that a block of rows read from memory for the first token is in cache for the others; types
     * whose {@link #dotTokens} decodes each weight block once for several tokens ({@link #sharesDecodeAcrossTokens})
     * take that row by row. 1B Q4_K_M, two threads, 9 tokens fed tokenwise (one step of speculative
     * decoding's verification): 440-550 ms row by row, 650-800 with dotRows per token (a one-token step: 88-104).
     */
    default void dotRowsTokens(MemorySegment w, long wOffset, long rowStride, int nRows, MemorySegment a, long aOffset, long aStride,
                               int tokens, int n, float[] out, int outOffset, int outStride) {
        if (tokens > 1 && sharesDecodeAcrossTokens()) {
            for (int r = 0; r < nRows; r++) dotTokens(w, wOffset + r * rowStride, a, aOffset, aStride, tokens, n, out, outOffset + r, outStride);
            return;
        }
        for (int t = 0; t < tokens; t++) dotRows(w, wOffset, rowStride, nRows, a, aOffset + t * aStride, n, out, outOffset + t * outStride);
    }

    /**
     * From how many tokens on a batch (not a tokenwise step) goes through the prompt GEMM, which decodes the weights to
     * floats once per block of rows, rather than {@link #dotRowsTokens}: {@link MatMul#GEMM_MIN_TOKENS} by default.
     */
    default int gemmMinTokens() {
        return MatMul.GEMM_MIN_TOKENS;
    }

    /** Whether {@link #dotTokens} decodes each weight block once for several tokens: then {@link #dotRowsTokens} goes row by row. */
    default boolean sharesDecodeAcrossTokens() {
        return false;
    }

    /**
     * The fast implementation for {@code type} (Vector API kernels where they pay, the scalar
     * reference elsewhere). Instances are stateless and thread-safe.
     *
     * @throws IllegalArgumentException when Hearth has no kernels for {@code type}
     */
    static TypeOps of(GgmlType type) {
        return VectorTypeOps.of(type);
    }

    /**
     * The scalar reference for {@code type} (its quantize gives exactly the vector kernels' bytes:
     * VectorMatchesScalarTest), or {@link #of} where there is none, for the output projection's activations, encoded
     * once per token. A vector quantizer run that rarely, in a type no other matrix of the model uses (the 1B Q4_0's
     * Q6_K output: Q8_K_WIDE), is left to C1 for a thousand tokens or more, and in C1 every Vector API operation
     * allocates (JFR: ~2.6 MB/s for the first ~100 s of generation). The scalar code, called per block, is compiled by
     * C2 within about a hundred tokens and allocates nothing; one row is too little work for its speed to matter.
     */
    static TypeOps reference(GgmlType type) {
        return VectorTypeOps.reference(type);
    }
}
