package dev.hearth.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.hearth.gguf.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The 16-bit integer GEMM of Q4_0 prompts ({@link Q4_0Gemm}), its inputs, and MatMul's use of it. */
class Q4_0GemmTest {
    /**
     * Every output is the exact integer dot of each block, times the two scales, added in block order by one FMA per
     * block: bit-equal to that loop, across groups of four rows and leftover rows, groups of four panels and a
     * leftover pair and single (padded) panel, and k chunks; the largest block sum (32·(-8)·(-127)) included.
     */
    @Test
    void eachOutputIsTheBlockDotsScaledAndAddedInBlockOrder() {
        int rows = 23, tokens = 7 * Q4_0Gemm.PANEL - 5, k = 2 * Q4_0Gemm.KB * 32 + 64, nb = k / 32, ldy = rows + 4, yOffset = 2;
        Random random = new Random(11);
        short[] w = new short[rows * k], a = new short[tokens * k];
        float[] wd = new float[rows * nb], da = new float[tokens * nb];
        for (int i = 0; i < w.length; i++) w[i] = (short) (random.nextInt(16) - 8);
        for (int i = 0; i < a.length; i++) a[i] = (short) (random.nextInt(255) - 127);
        for (int i = 0; i < wd.length; i++) wd[i] = (float) random.nextGaussian();
        for (int i = 0; i < da.length; i++) da[i] = (float) random.nextGaussian();
        // row 5 × token 40: every block at the extreme
        for (int i = 0; i < k; i++) { w[5 * k + i] = -8; a[40 * k + i] = -127; }
        short[] aq = new short[Q4_0Gemm.packedLength(tokens, k)];
        float[] ad = new float[Q4_0Gemm.scalesLength(tokens, k)];
        java.util.Arrays.fill(aq, (short) 99); // padding lanes must be zeroed, not left as found
        java.util.Arrays.fill(ad, Float.NaN);
        for (int t = 0; t < tokens; t++) Q4_0Gemm.pack(a, t * k, da, t * nb, t, k, aq, ad);
        Q4_0Gemm.padLastPanel(tokens, k, aq, ad);
        float[] y = new float[tokens * ldy];
        java.util.Arrays.fill(y, -1f);
        float[] acc = new float[Q4_0Gemm.scratchLength(rows, tokens)];
        java.util.Arrays.fill(acc, Float.NaN); // scratch as found must not matter
        Q4_0Gemm.multiply(w, wd, rows, aq, ad, tokens, k, y, yOffset, ldy, acc);
        GemmOutputs.assertWritten(y, tokens, rows, yOffset, ldy, (r, t) -> {
            float c = 0;
            for (int b = 0; b < nb; b++) {
                int sum = 0;
                for (int i = 32 * b; i < 32 * b + 32; i++) sum += w[r * k + i] * a[t * k + i];
                c = Math.fma((float) sum, da[t * nb + b] * wd[r * nb + b], c);
            }
            return c;
        });
        assertThat(y[40 * ldy + yOffset + 5]).as("the extreme row and token").isNotZero();
    }

    /** The decoded weights are the file's values: (q - 8)·d equals dequantize's float for every value, in both layouts. */
    @Test
    void weightsDecodeToTheDequantizedValues() {
        int rows = 40, k = 4224; // two chunks of RowBlocks, the second short
        TypeOps ops = TypeOps.of(GgmlType.Q4_0);
        MemorySegment data = TestData.segment(GgmlType.Q4_0.bytesFor((long) rows * k));
        for (int r = 0; r < rows; r++) ops.quantize(TestData.row(TestData.Shape.GAUSSIAN, k, r), 0, data, r * GgmlType.Q4_0.bytesFor(k), k);
        Tensor file = new Tensor("w", GgmlType.Q4_0, new long[] {k, rows}, data);
        Tensor regrouped = RowBlocks.prepare(file);
        assertThat(regrouped.type()).isEqualTo(GgmlType.Q4_0_R16);
        float[] expected = new float[rows * k];
        ops.dequantizeRows(data, 0, rows, k, expected, 0);
        for (Tensor t : new Tensor[] {file, regrouped}) {
            int first = 3, count = 33;
            short[] q = new short[count * k];
            float[] d = new float[count * k / 32];
            Q4_0Gemm.decodeWeights(t.data(), t.type(), first, count, k, q, d);
            for (int r = 0; r < count; r++)
                for (int i = 0; i < k; i++) {
                    assertThat(q[r * k + i]).isBetween((short) -8, (short) 7);
                    assertThat(q[r * k + i] * d[r * k / 32 + i / 32]).as("%s row %d value %d", t.type(), first + r, i)
                            .isEqualTo(expected[(first + r) * k + i]);
                }
        }
    }

    /** The activations' integers and scales are those the encoding holds: q·d equals dequantize's float, q in [-127, 127]. */
    @Test
    void activationIntegersAreTheEncodedOnes() {
        int k = 1024;
        float[] x = TestData.row(TestData.Shape.GAUSSIAN, k, 5);
        x[7] = 1e4f; // one block with a large outlier
        TypeOps ops = TypeOps.of(GgmlType.Q8_0_NIBBLE);
        MemorySegment enc = TestData.segment(GgmlType.Q8_0_NIBBLE.bytesFor(k));
        ops.quantize(x, 0, enc, 0, k);
        float[] expected = new float[k];
        ops.dequantize(enc, 0, expected, 0, k);
        short[] q = new short[k];
        float[] d = new float[k / 32];
        Q8_0NibbleOps.integers(enc, 0, k, q, 0, d, 0);
        boolean extreme = false;
        for (int i = 0; i < k; i++) {
            assertThat(q[i]).isBetween((short) -127, (short) 127);
            extreme |= Math.abs(q[i]) == 127;
            assertThat(q[i] * d[i / 32]).as("value %d", i).isEqualTo(expected[i]);
        }
        assertThat(extreme).isTrue();
    }

    /**
     * MatMul with a prompt batch of Q4_0 weights in the regrouped layout the model runs (the integer GEMM), against the
     * same rows one token at a time (the generation dot), and against the float GEMM it replaces: same values up to
     * float rounding.
     */
    @Test
    void batchOfRegroupedRowsEqualsTokenByToken() {
        int k = 2048, rows = 144, tokens = 3 * Q4_0Gemm.PANEL + 7;
        TypeOps ops = TypeOps.of(GgmlType.Q4_0);
        MemorySegment data = TestData.segment(GgmlType.Q4_0.bytesFor((long) rows * k));
        for (int r = 0; r < rows; r++) ops.quantize(TestData.row(TestData.Shape.GAUSSIAN, k, 300 + r), 0, data, r * GgmlType.Q4_0.bytesFor(k), k);
        Tensor w = RowBlocks.prepare(new Tensor("w", GgmlType.Q4_0, new long[] {k, rows}, data));
        GgmlType dot = TypeOps.of(w.type()).dotType();
        assertThat(Q4_0Gemm.accepts(w.type(), dot)).isTrue();
        float[] x = new float[tokens * k];
        Random random = new Random(4);
        for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian();
        try (ComputePool pool = new ComputePool(2)) {
            float[] batch = new float[tokens * rows];
            MatMul.multiply(pool, w, new EncodedRows().encode(pool, dot, x, tokens, k), batch, 0, rows);
            for (int t = 0; t < tokens; t++) {
                float[] one = new float[rows];
                MatMul.multiply(pool, w, new EncodedRows().encode(pool, dot, java.util.Arrays.copyOfRange(x, t * k, (t + 1) * k), 1, k), one, 0, rows);
                for (int r = 0; r < rows; r++)
                    assertThat(batch[t * rows + r]).as("row %d token %d", r, t).isCloseTo(one[r], within(1e-4f * (1 + Math.abs(one[r]))));
            }
        }
    }
}
