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
        for (int t = 0; t < tokens; t++)
            for (int j = 0; j < ldy; j++) {
                int r = j - yOffset;
                float expected = r < 0 || r >= rows ? -1f : FloatGemm.dot(w, r * k, a, t * k, k);
                assertThat(y[t * ldy + j]).as("token %d column %d", t, j).isEqualTo(expected);
            }
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
        for (int t = 0; t < tokens; t++)
            for (int j = 0; j < ldy; j++) {
                int r = j - yOffset;
                float expected = r < 0 || r >= rows ? -1f : FloatGemm.dot(w, r * k, a, t * k, k);
                assertThat(y[t * ldy + j]).as("token %d column %d", t, j).isEqualTo(expected);
            }
    }
}
