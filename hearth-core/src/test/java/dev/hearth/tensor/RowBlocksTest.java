package dev.hearth.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hearth.gguf.Tensor;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Q4_0 matrices regrouped into {@link RowBlocks} give the very bits the file's layout gives: every row's
 * dot (alone, per token, and over row ranges that start and end anywhere), its decoded values, a matrix
 * product for one token, a few tokens and a batch, and the rows cut out of it. The shapes have a short
 * last block of rows (37 = 2·16 + 5) and a short last chunk (2432 values = 64 + 12 quant blocks).
 */
class RowBlocksTest {
    private static final int COLS = 2432, ROWS = 37;
    private Tensor file;
    private Tensor regrouped;

    @BeforeEach
    void matrices() {
        assumeTrue(VectorTypeOps.USE_VECTORS, "the regrouped layout is for the vector kernels");
        TypeOps q4 = TypeOps.of(GgmlType.Q4_0);
        long rowBytes = GgmlType.Q4_0.bytesFor(COLS);
        MemorySegment data = TestData.segment(rowBytes * ROWS);
        for (int r = 0; r < ROWS; r++) q4.quantize(TestData.row(TestData.Shape.GAUSSIAN, COLS, 40 + r), 0, data, r * rowBytes, COLS);
        file = new Tensor("w", GgmlType.Q4_0, new long[] {COLS, ROWS}, data);
        regrouped = RowBlocks.prepare(file);
        assertThat(regrouped.type()).isEqualTo(GgmlType.Q4_0_R16);
        assertThat(regrouped.data().byteSize()).isEqualTo(data.byteSize());
    }

    private static MemorySegment activations(int tokens) {
        TypeOps act = TypeOps.of(GgmlType.Q8_0_NIBBLE);
        long bytes = GgmlType.Q8_0_NIBBLE.bytesFor(COLS);
        MemorySegment a = TestData.segment(bytes * tokens);
        for (int t = 0; t < tokens; t++) act.quantizeActivations(TestData.row(TestData.Shape.OUTLIERS, COLS, 7 + t), 0, a, t * bytes, COLS);
        return a;
    }

    @Test
    void everyRowRangeGivesTheFileLayoutsDots() {
        TypeOps q4 = TypeOps.of(GgmlType.Q4_0), r16 = TypeOps.of(GgmlType.Q4_0_R16);
        MemorySegment a = activations(1);
        long rb = file.rowBytes();
        float[] want = new float[ROWS];
        for (int r = 0; r < ROWS; r++) want[r] = q4.dot(file.data(), r * rb, a, 0, COLS);
        for (int r = 0; r < ROWS; r++) assertThat(r16.dot(regrouped.data(), r * rb, a, 0, COLS)).as("row %d", r).isEqualTo(want[r]);
        for (int first = 0; first < ROWS; first++)
            for (int count = 1; first + count <= ROWS; count++) {
                float[] got = new float[ROWS + 1];
                r16.dotRows(regrouped.data(), first * rb, rb, count, a, 0, COLS, got, 1);
                for (int r = 0; r < count; r++) assertThat(got[1 + r]).as("rows %d..%d, row %d", first, first + count, first + r).isEqualTo(want[first + r]);
            }
    }

    /**
     * A matrix of whole row blocks only (32 rows), so that the paired-block path, not the one for pieces of
     * blocks, reads the matrix's last bytes: a kernel that loads past its group's end fails here (the 37-row
     * matrix above ends in a short block, which the piece path takes).
     */
    @Test
    void wholeBlocksUpToTheMatrixEnd() {
        TypeOps q4 = TypeOps.of(GgmlType.Q4_0), r16 = TypeOps.of(GgmlType.Q4_0_R16);
        int rows = 32;
        long rb = GgmlType.Q4_0.bytesFor(COLS);
        MemorySegment data = TestData.segment(rb * rows);
        for (int r = 0; r < rows; r++) q4.quantize(TestData.row(TestData.Shape.GAUSSIAN, COLS, 90 + r), 0, data, r * rb, COLS);
        Tensor whole = RowBlocks.prepare(new Tensor("w", GgmlType.Q4_0, new long[] {COLS, rows}, data));
        assertThat(whole.type()).isEqualTo(GgmlType.Q4_0_R16);
        MemorySegment a = activations(1);
        float[] got = new float[rows];
        r16.dotRows(whole.data(), 0, rb, rows, a, 0, COLS, got, 0);
        for (int r = 0; r < rows; r++) assertThat(got[r]).as("row %d", r).isEqualTo(q4.dot(data, r * rb, a, 0, COLS));
    }

    @Test
    void rowsDecodeToTheFileLayoutsValues() {
        TypeOps q4 = TypeOps.of(GgmlType.Q4_0), r16 = TypeOps.of(GgmlType.Q4_0_R16);
        float[] want = new float[ROWS * COLS], got = new float[ROWS * COLS];
        q4.dequantize(file.data(), 0, want, 0, ROWS * COLS);
        r16.dequantizeRows(regrouped.data(), 0, ROWS, COLS, got, 0);
        assertThat(got).isEqualTo(want);
        float[] one = new float[COLS];
        r16.dequantizeRows(regrouped.data(), 35, 1, COLS, one, 0);
        assertThat(one).isEqualTo(java.util.Arrays.copyOfRange(want, 35 * COLS, 36 * COLS));
    }

    /**
     * Parts of a row ({@link TypeOps#dequantizeSpan}, the prompt GEMM's 256 columns at a time, and other spans): the file
     * layout's values, within a chunk, across the boundary of two and in the short last one, in rows of the full blocks of
     * 16 rows and of the short last block.
     */
    @Test
    void spansDecodeToTheFileLayoutsValues() {
        TypeOps q4 = TypeOps.of(GgmlType.Q4_0), r16 = TypeOps.of(GgmlType.Q4_0_R16);
        float[] want = new float[ROWS * COLS];
        q4.dequantize(file.data(), 0, want, 0, ROWS * COLS);
        for (int row : new int[] {0, 17, 36})
            for (int[] span : new int[][] {{0, 256}, {1792, 2048}, {1920, 2176}, {2048, 2432}, {2304, 2432}, {0, COLS}}) {
                float[] got = new float[span[1] - span[0] + 3];
                r16.dequantizeSpan(regrouped.data(), row, COLS, span[0], span[1], got, 3);
                assertThat(java.util.Arrays.copyOfRange(got, 3, got.length)).as("row %d, [%d, %d)", row, span[0], span[1])
                        .isEqualTo(java.util.Arrays.copyOfRange(want, row * COLS + span[0], row * COLS + span[1]));
                q4.dequantizeSpan(file.data(), row, COLS, span[0], span[1], got, 3);
                assertThat(java.util.Arrays.copyOfRange(got, 3, got.length)).isEqualTo(java.util.Arrays.copyOfRange(want, row * COLS + span[0], row * COLS + span[1]));
            }
    }

    /**
     * Several tokens at once ({@link TypeOps#dotRowsTokens}: rows of blocks that start anywhere, the short last one
     * included): every row's result for every token is the file layout's dot, in the regrouped layout and the file's alike.
     */
    @Test
    void rowsTimesTokensGiveTheFileLayoutsDots() {
        TypeOps q4 = TypeOps.of(GgmlType.Q4_0), r16 = TypeOps.of(GgmlType.Q4_0_R16);
        long rb = file.rowBytes(), ab = GgmlType.Q8_0_NIBBLE.bytesFor(COLS);
        for (int tokens : new int[] {2, 3, 4, 5, 7, 9}) {
            MemorySegment a = activations(tokens);
            float[] want = new float[tokens * ROWS], got = new float[tokens * ROWS], gotFile = new float[tokens * ROWS];
            for (int t = 0; t < tokens; t++)
                for (int r = 0; r < ROWS; r++) want[t * ROWS + r] = q4.dot(file.data(), r * rb, a, t * ab, COLS);
            r16.dotRowsTokens(regrouped.data(), 0, rb, ROWS, a, 0, ab, tokens, COLS, got, 0, ROWS);
            q4.dotRowsTokens(file.data(), 0, rb, ROWS, a, 0, ab, tokens, COLS, gotFile, 0, ROWS);
            assertThat(got).as("regrouped, %d tokens", tokens).isEqualTo(want);
            assertThat(gotFile).as("file layout, %d tokens", tokens).isEqualTo(want);
            // row ranges that start inside a block of rows, as a thread's piece of a matrix does
            for (int[] range : new int[][] {{5, 30}, {16, 21}, {33, 4}, {3, 1}}) {
                float[] part = new float[tokens * range[1]];
                r16.dotRowsTokens(regrouped.data(), range[0] * rb, rb, range[1], a, 0, ab, tokens, COLS, part, 0, range[1]);
                for (int t = 0; t < tokens; t++)
                    for (int r = 0; r < range[1]; r++)
                        assertThat(part[t * range[1] + r]).as("rows %d+%d, row %d, %d tokens", range[0], range[1], r, tokens).isEqualTo(want[t * ROWS + range[0] + r]);
            }
        }
    }

    @Test
    void matrixProductsAreTheFileLayouts() {
        try (ComputePool pool = new ComputePool(2)) {
            for (int tokens : new int[] {1, 3, 16}) {
                float[] x = new float[tokens * COLS];
                for (int t = 0; t < tokens; t++) System.arraycopy(TestData.row(TestData.Shape.OUTLIERS, COLS, 70 + t), 0, x, t * COLS, COLS);
                EncodedRows enc = new EncodedRows().encode(pool, GgmlType.Q8_0_NIBBLE, x, tokens, COLS);
                float[] want = new float[tokens * ROWS], got = new float[tokens * ROWS];
                MatMul.multiply(pool, file, enc, want, 0, ROWS);
                MatMul.multiply(pool, regrouped, enc, got, 0, ROWS);
                assertThat(got).as("%d tokens", tokens).isEqualTo(want);
            }
        }
    }

    @Test
    void cutRowsAreTheSameRows() {
        TypeOps r16 = TypeOps.of(GgmlType.Q4_0_R16);
        float[] all = new float[ROWS * COLS];
        r16.dequantizeRows(regrouped.data(), 0, ROWS, COLS, all, 0);
        for (int[] cut : new int[][] {{0, 16}, {16, 21}, {0, 32}, {3, 20}, {17, 9}}) {
            Tensor part = RowBlocks.rows(regrouped, cut[0], cut[1]);
            boolean whole = cut[0] % 16 == 0 && (cut[1] % 16 == 0 || cut[0] + cut[1] == ROWS);
            assertThat(part.type()).as("rows %d+%d", cut[0], cut[1]).isEqualTo(whole ? GgmlType.Q4_0_R16 : GgmlType.Q4_0);
            float[] got = new float[cut[1] * COLS];
            TypeOps.of(part.type()).dequantizeRows(part.data(), 0, cut[1], COLS, got, 0);
            assertThat(got).isEqualTo(java.util.Arrays.copyOfRange(all, cut[0] * COLS, (cut[0] + cut[1]) * COLS));
        }
    }

    @Test
    void aMatrixWithAnInfiniteScaleKeepsTheFileLayout() {
        file.data().set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, 18L * 100, (short) 0x7c00);
        assertThat(RowBlocks.prepare(file)).isSameAs(file);
    }
}
