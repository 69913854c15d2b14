package dev.hearth.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The prompt GEMM of float weights ({@link FloatGemm}). */
class FloatGemmTest {
    /**
     * Every output is summed exactly as the one-row {@link FloatGemm#dot} sums it (16 lane chains in k
     * order, then LaneSum's tree: tinyBLAS's order), whatever row octet or leftover row, panel triple,
     * leftover pair or single (padded) panel, or k chunk (a short last one included) it falls in.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 13, 29, 53, 80})
    void everyOutputIsTheOneRowDotToTheBit(int tokens) {
        int rows = 21, k = 2 * FloatGemm.KC + 64, ldy = rows + 3, yOffset = 2;
        Random random = new Random(tokens);
        float[] w = new float[rows * k], a = new float[tokens * k];
        for (int i = 0; i < w.length; i++) w[i] = (float) random.nextGaussian();
        for (int i = 0; i < a.length; i++) a[i] = (float) random.nextGaussian();
        float[] reordered = new float[rows * k];
        for (int r = 0; r < rows; r++) FloatGemm.permute(w, r * k, k, reordered, r * k);
        float[] packed = new float[PanelGemm.packedLength(tokens, k)];
        java.util.Arrays.fill(packed, Float.NaN); // padding lanes must be zeroed, not left as found
        for (int t = 0; t < tokens; t++) FloatGemm.pack(a, t * k, t, k, packed);
        PanelGemm.padLastPanel(tokens, k, packed);
        float[] y = new float[tokens * ldy];
        java.util.Arrays.fill(y, -1f);
        FloatGemm.multiply(reordered, rows, packed, tokens, k, y, yOffset, ldy, new float[FloatGemm.scratchLength(rows)]);
        assertEachOutputIsTheDot(w, rows, a, tokens, k, y, yOffset, ldy);
    }

    /** The same for {@link FloatRowGemm}, the small batches' GEMM on rows in their natural order. */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 13, 29})
    void rowGemmOutputsAreTheOneRowDotToTheBit(int tokens) {
        int rows = 10, k = 2 * FloatRowGemm.KC + 64, ldy = rows + 3, yOffset = 2;
        Random random = new Random(tokens);
        float[] w = new float[rows * k], a = new float[tokens * k];
        for (int i = 0; i < w.length; i++) w[i] = (float) random.nextGaussian();
        for (int i = 0; i < a.length; i++) a[i] = (float) random.nextGaussian();
        float[] y = new float[tokens * ldy];
        java.util.Arrays.fill(y, -1f);
        FloatRowGemm.multiply(w, rows, a, tokens, k, y, yOffset, ldy);
        assertEachOutputIsTheDot(w, rows, a, tokens, k, y, yOffset, ldy);
    }

    /**
     * MatMul's batch path for float weights (FloatGemm from {@link FloatGemm#MIN_TOKENS} tokens on, FloatRowGemm
     * below) against the same rows one token at a time: same values up to float rounding, for every float type,
     * with a row length of 48 (BF16 decodes for the GEMM in pairs per 32 values, and a row that does not hold
     * a whole number of them must be decoded in one order on both sides).
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(names = {"F32", "F16", "BF16"})
    void batchEqualsTokenByToken(GgmlType type) {
        int k = 48, rows = 70;
        TypeOps ops = TypeOps.of(type);
        java.lang.foreign.MemorySegment data = TestData.segment(type.bytesFor((long) rows * k));
        for (int r = 0; r < rows; r++) ops.quantize(TestData.row(TestData.Shape.GAUSSIAN, k, r), 0, data, r * type.bytesFor(k), k);
        dev.hearth.gguf.Tensor w = new dev.hearth.gguf.Tensor("w", type, new long[] {k, rows}, data);
        for (int tokens : new int[] {10, FloatGemm.MIN_TOKENS + 5}) {
            float[] x = new float[tokens * k];
            Random random = new Random(tokens);
            for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian();
            try (ComputePool pool = new ComputePool(2)) {
                float[] batch = new float[tokens * rows];
                MatMul.multiply(pool, w, new EncodedRows().encode(pool, ops.dotType(), x, tokens, k), batch, 0, rows);
                for (int t = 0; t < tokens; t++) {
                    float[] one = new float[rows];
                    EncodedRows e1 = new EncodedRows().encode(pool, ops.dotType(), java.util.Arrays.copyOfRange(x, t * k, (t + 1) * k), 1, k);
                    MatMul.multiply(pool, w, e1, one, 0, rows);
                    for (int r = 0; r < rows; r++)
                        assertThat(batch[t * rows + r]).as("%s, %d tokens: row %d token %d", type, tokens, r, t)
                                .isCloseTo(one[r], org.assertj.core.api.Assertions.within(1e-4f * (1 + Math.abs(one[r]))));
                }
            }
        }
    }

    /** Every output of {@code y} is the one-row dot of its row and token to the bit; the columns around the rows keep their -1. */
    private static void assertEachOutputIsTheDot(float[] w, int rows, float[] a, int tokens, int k, float[] y, int yOffset, int ldy) {
        for (int t = 0; t < tokens; t++)
            for (int j = 0; j < ldy; j++) {
                int r = j - yOffset;
                float expected = r < 0 || r >= rows ? -1f : FloatGemm.dot(w, r * k, a, t * k, k);
                assertThat(y[t * ldy + j]).as("token %d column %d", t, j).isEqualTo(expected);
            }
    }
}
