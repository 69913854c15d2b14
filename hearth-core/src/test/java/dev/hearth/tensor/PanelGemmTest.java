package dev.hearth.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.hearth.gguf.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The prompt GEMM of quantized weights ({@link PanelGemm}) and MatMul's batch path that runs it. */
class PanelGemmTest {
    /**
     * Every output is one FMA chain in k order: bit-equal to {@code Math.fma} in a plain loop, across
     * groups of 7 rows and a last group of 2, panel triples and a leftover pair or single (padded) panel, and k chunks; written
     * back in 16 × 16 tiles (two here) and the rows and tokens left over.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {53, 80})
    void eachOutputIsOneFmaChainInKOrder(int tokens) {
        int rows = 37, k = 2 * PanelGemm.KC + 48, ldy = rows + 5, yOffset = 3;
        Random random = new Random(7);
        float[] w = new float[rows * k], a = new float[tokens * k];
        for (int i = 0; i < w.length; i++) w[i] = (float) random.nextGaussian();
        for (int i = 0; i < a.length; i++) a[i] = (float) random.nextGaussian();
        float[] packed = new float[PanelGemm.packedLength(tokens, k)];
        java.util.Arrays.fill(packed, Float.NaN); // padding lanes must be zeroed, not left as found
        for (int t = 0; t < tokens; t++) PanelGemm.pack(a, t * k, t, k, packed);
        PanelGemm.padLastPanel(tokens, k, packed);
        float[] y = new float[tokens * ldy];
        java.util.Arrays.fill(y, -1f);
        float[] grouped = new float[PanelGemm.groupedLength(rows, k)];
        java.util.Arrays.fill(grouped, Float.NaN); // the last group's missing rows must be zeroed too
        PanelGemm.group(w, rows, k, grouped);
        PanelGemm.multiply(grouped, rows, packed, tokens, k, y, yOffset, ldy, new float[PanelGemm.scratchLength(rows, tokens)]);
        GemmOutputs.assertWritten(y, tokens, rows, yOffset, ldy, (r, t) -> {
            float c = 0;
            for (int i = 0; i < k; i++) c = Math.fma(w[r * k + i], a[t * k + i], c);
            return c;
        });
    }

    /**
     * MatMul with a prompt batch (the GEMM) against the same rows one token at a time (the integer
     * dots of generation): same values up to float rounding, for every quantized type, with two
     * matrices in one dispatch. And the same bits on one thread as on two, whose blocks differ (two
     * threads cut the last matrix's last blocks in halves).
     */
    @ParameterizedTest
    @EnumSource(names = {"Q4_0", "Q5_0", "Q8_0", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void batchEqualsTokenByToken(GgmlType type) {
        int k = 512, tokens = 19;
        int[] rowCounts = {70, 130};
        TypeOps ops = TypeOps.of(type);
        Tensor[] ws = new Tensor[rowCounts.length];
        for (int m = 0; m < ws.length; m++) {
            MemorySegment data = TestData.segment(type.bytesFor((long) rowCounts[m] * k));
            for (int r = 0; r < rowCounts[m]; r++)
                ops.quantize(TestData.row(TestData.Shape.GAUSSIAN, k, 100 * m + r), 0, data, r * type.bytesFor(k), k);
            ws[m] = new Tensor("w" + m, type, new long[] {k, rowCounts[m]}, data);
        }
        float[] x = new float[tokens * k];
        Random random = new Random(3);
        for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian();
        try (ComputePool pool = new ComputePool(2)) {
            float[][] batch = {new float[tokens * rowCounts[0]], new float[tokens * rowCounts[1]]};
            EncodedRows enc = new EncodedRows().encode(pool, ops.dotType(), x, tokens, k);
            MatMul.multiply(pool, ws, enc, batch, new int[] {0, 0}, rowCounts);
            try (ComputePool alone = new ComputePool(1)) {
                float[][] single = {new float[tokens * rowCounts[0]], new float[tokens * rowCounts[1]]};
                MatMul.multiply(alone, ws, new EncodedRows().encode(alone, ops.dotType(), x, tokens, k), single, new int[] {0, 0}, rowCounts);
                for (int m = 0; m < 2; m++) assertThat(single[m]).as("%s matrix %d, one thread", type, m).isEqualTo(batch[m]);
            }
            for (int t = 0; t < tokens; t++) {
                float[][] one = {new float[rowCounts[0]], new float[rowCounts[1]]};
                EncodedRows e1 = new EncodedRows().encode(pool, ops.dotType(), java.util.Arrays.copyOfRange(x, t * k, (t + 1) * k), 1, k);
                MatMul.multiply(pool, ws, e1, one, new int[] {0, 0}, rowCounts);
                for (int m = 0; m < 2; m++)
                    for (int r = 0; r < rowCounts[m]; r++)
                        assertThat(batch[m][t * rowCounts[m] + r]).as("%s matrix %d row %d token %d", type, m, r, t)
                                .isCloseTo(one[m][r], within(1e-4f * (1 + Math.abs(one[m][r]))));
            }
        }
    }

    /** PanelGemm's grouping of rows by 7, 16 values at a time, with a short last group. */
    @Test
    void rowsAreGroupedBySeven() {
        int rows = 17, k = 48;
        float[] w = new float[rows * k], dst = new float[PanelGemm.groupedLength(rows, k)];
        for (int i = 0; i < w.length; i++) w[i] = i + 1;
        java.util.Arrays.fill(dst, Float.NaN);
        PanelGemm.group(w, rows, k, dst);
        for (int g = 0; g < 3; g++)
            for (int i = 0; i < k; i++)
                for (int j = 0; j < 7; j++) {
                    int r = 7 * g + j;
                    assertThat(dst[7 * k * g + 112 * (i / 16) + 16 * j + i % 16]).as("group %d row %d value %d", g, j, i).isEqualTo(r < rows ? w[r * k + i] : 0f);
                }
    }

    /** MatMul's PanelGemm blocks: whole groups of 7, at most 224 rows, in whole rounds of the threads, covering the matrix. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"2048, 2, 210", "2048, 1, 210", "512, 2, 133", "8192, 2, 217", "13, 2, 7", "70, 2, 35", "3, 4, 7"})
    void blocksComeInRoundsOfTheThreads(int rows, int threads, int expected) {
        int per = MatMul.panelBlockRows(rows, threads), blocks = (rows + per - 1) / per;
        assertThat(per).isEqualTo(expected);
        assertThat(per % PanelGemm.ROWS).isZero();
        assertThat(per).isLessThanOrEqualTo(MatMul.QUANTIZED_PANEL_ROWS);
        if (rows >= threads * PanelGemm.ROWS) assertThat(blocks % threads).as("%d blocks of %d", blocks, per).isZero();
    }

    /**
     * The activations as panels ({@link EncodedRows#panels}): token t's decoded row in lane t % 16 of panel t / 16, full panels
     * moved in 16 × 16 tiles and a last partial one value by value, its empty lanes zero even where a bigger batch before
     * left other values; the same on one thread and two.
     */
    @ParameterizedTest
    @EnumSource(names = {"Q4_0", "Q8_0", "Q4_K", "Q6_K"})
    void panelsHoldEachTokensRowInItsLane(GgmlType weights) {
        GgmlType type = TypeOps.of(weights).dotType();
        TypeOps act = TypeOps.of(type);
        int k = 512;
        for (int threads = 1; threads <= 2; threads++)
            try (ComputePool pool = new ComputePool(threads)) {
                EncodedRows enc = new EncodedRows();
                for (int tokens : new int[] {64, 16, 37}) {
                    float[] x = new float[tokens * k];
                    for (int t = 0; t < tokens; t++) System.arraycopy(TestData.row(TestData.Shape.OUTLIERS, k, 40 * tokens + t), 0, x, t * k, k);
                    enc.encode(pool, type, x, tokens, k);
                    float[] packed = enc.panels(pool), row = new float[k];
                    for (int t = 0; t < PanelGemm.panels(tokens) * PanelGemm.PANEL; t++) {
                        if (t < tokens) act.dequantize(enc.segment(), enc.rowOffset(t), row, 0, k);
                        else java.util.Arrays.fill(row, 0);
                        float[] lane = new float[k];
                        for (int i = 0; i < k; i++) lane[i] = packed[(t / PanelGemm.PANEL) * PanelGemm.PANEL * k + PanelGemm.PANEL * i + t % PanelGemm.PANEL];
                        assertThat(lane).as("%s, %d tokens, token %d, %d threads", type, tokens, t, threads).isEqualTo(row);
                    }
                }
            }
    }

    /**
     * Weights decoded by the GEMM a chunk of columns at a time ({@link PanelGemm.Columns}, into a buffer only a chunk wide)
     * give the bits of the same weights grouped whole beforehand: chunks of 256 and a last of 48, not multiples of
     * {@link PanelGemm#KC}'s steps, a last group of 2 rows, and every chunk asked for once, in order.
     */
    @Test
    void decodingByChunksGivesTheSameBits() {
        int rows = 30, k = 2 * PanelGemm.DECODE_COLUMNS + 48, tokens = 37, ldy = rows;
        Random random = new Random(11);
        float[] w = new float[rows * k], a = new float[tokens * k];
        for (int i = 0; i < w.length; i++) w[i] = (float) random.nextGaussian();
        for (int i = 0; i < a.length; i++) a[i] = (float) random.nextGaussian();
        float[] packed = new float[PanelGemm.packedLength(tokens, k)];
        for (int t = 0; t < tokens; t++) PanelGemm.pack(a, t * k, t, k, packed);
        PanelGemm.padLastPanel(tokens, k, packed);
        float[] whole = new float[PanelGemm.groupedLength(rows, k)];
        PanelGemm.group(w, rows, k, whole);
        float[] want = new float[tokens * ldy], got = new float[tokens * ldy];
        PanelGemm.multiply(whole, rows, packed, tokens, k, want, 0, ldy, new float[PanelGemm.scratchLength(rows, tokens)]);
        float[] chunk = new float[PanelGemm.groupedLength(rows, PanelGemm.DECODE_COLUMNS)];
        java.util.List<Integer> asked = new java.util.ArrayList<>();
        PanelGemm.multiply((c0, c1, dst) -> {
            asked.add(c0);
            asked.add(c1);
            java.util.Arrays.fill(dst, Float.NaN); // nothing of the last chunk may be read
            for (int r = 0; r < rows; r++) PanelGemm.groupRow(w, r * k + c0, r, c1 - c0, dst);
            PanelGemm.zeroRowsFrom(rows, c1 - c0, dst);
        }, PanelGemm.DECODE_COLUMNS, chunk, rows, packed, tokens, k, got, 0, ldy, new float[PanelGemm.scratchLength(rows, tokens)]);
        assertThat(asked).containsExactly(0, 256, 256, 512, 512, 560);
        assertThat(got).isEqualTo(want);
    }
}
