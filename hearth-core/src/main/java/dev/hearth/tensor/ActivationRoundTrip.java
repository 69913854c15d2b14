package dev.hearth.tensor;

/**
 * An activation encoding whose decoded values can be computed straight from the floats, with no bytes in between. The
 * prompt GEMM's panels ({@link EncodedRows#panels}) need only those values; made through the bytes, Q4_0's activations
 * (Q8_0_NIBBLE, 8 bytes a value) were written out and read back once per matrix product, and the stores alone took 2.2%
 * of a 1B Q4_0 pp512's samples (JFR, after warm-up). An encoding whose type decodes for the float GEMM other than by
 * {@link TypeOps#dequantize} (BF16's pairs: {@link TypeOps#decodeForGemm}) must not implement this.
 */
interface ActivationRoundTrip {
    /**
     * {@code dst[dstOff .. dstOff + n)} = what {@link TypeOps#dequantize} gives for the bytes {@link
     * TypeOps#quantizeActivations} writes for {@code src[srcOff .. srcOff + n)}, bit for bit.
     */
    void roundTrip(float[] src, int srcOff, float[] dst, int dstOff, int n);
}
