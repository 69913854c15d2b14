package dev.hearth.tensor;

import static dev.hearth.tensor.Blocks.half;
import static dev.hearth.tensor.Simd.*;
import static jdk.incubator.vector.VectorOperators.*;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;

/**
 * The prompt GEMM of Q4_0 weights in 16-bit integers: {@code y[t][r] = Σ_b dw[r][b]·da[t][b]·Σ_{k in b} qw[r][k]·qa[t][k]},
 * with the weights' 4-bit integers (q - 8, in [-8, 7]) and the activations' 8-bit ones (Q8_0, in [-127, 127]).
 *
 * <p>Why integers: a block's 32 products sum to at most 32·8·127 = 32,512 in magnitude, so they fit a 16-bit lane, and
 * on Zen 5 a 16-bit multiply and an add each run on two of the four vector pipes: 32 lanes × 2 multiplies per cycle
 * against the float FMA's 16 × 2 (a bare loop of them: 220-230 G multiply-adds/s on one core, against 136 for float
 * FMAs). The Vector API has no int8 dot product (vpdpbusd), which is what llama.cpp's repacked Q4_0 GEMM uses.
 * Measured (GemmBench, one core, 64 rows × 512 tokens × 2048): 271 "GFLOP/s" against 201 for {@link PanelGemm} on
 * the decoded floats; the 1B Q4_0's pp512 on two cores went from 195-200 to 239-247 tokens/s. What keeps it from the
 * bare loop's rate is the per-block scaling ({@link #settle4}: 12-13% of the time in JFR), whose conversions,
 * multiplies and FMAs share the pipes of the 16-bit multiplies. Intel cores issue 512-bit 16-bit multiplies on one
 * port only, where this GEMM loses to the float one: {@link MatMul#INTEGER_GEMM} leaves it out there.
 *
 * <p>Layout as {@link PanelGemm}'s, with 32 tokens a panel (the 16-bit lanes of a vector): panel p holds, for each k,
 * the 32 integers {@code qa[32p .. 32p+31][k]} side by side, and for each block b the 32 tokens' scales. Weights are
 * decoded per block of rows into {@code qw} (row-major, one short per value) and {@code dw} (one float per block), and
 * a weight integer, broadcast, meets 32 tokens at once. Each block's sum vectors are stored, and {@link #settle}
 * widens their even and odd lanes to two float vectors (a shift pair, no shuffle), so the float accumulators and the
 * scales hold a panel's tokens in the order 0, 2, .., 30, 1, 3, .., 31 ({@link #slot}).
 *
 * <p>Numerics: each block's dot is the exact integer sum (as llama.cpp's), and each output is the float sum, in block
 * order, of {@code sum·(da·dw)} by one FMA per block. llama.cpp sums the same per-block terms in another order, so
 * the two differ in float rounding only (the float {@link PanelGemm} rounds every product's addition instead).
 */
final class Q4_0Gemm {
    static final int PANEL = 32;
    static final int QK = 32;
    /**
     * k is cut in chunks of this many blocks (1024 values): four panels' chunk (256 KB) and the block's weight rows'
     * (128 KB for 64 rows) stay in L2 while the rows are swept.
     */
    static final int KB = 32;

    private Q4_0Gemm() {}

    /** Per thread: a kernel's int16 sums of one k chunk (16 vectors a block), on their way to {@link #settle}. */
    private static final ThreadLocal<short[]> SUMS = ThreadLocal.withInitial(() -> new short[KB * 16 * PANEL]);

    /** Whether weights of type {@code w} with activations of type {@code a} can take this GEMM. */
    static boolean accepts(GgmlType w, GgmlType a) {
        return (w == GgmlType.Q4_0 || w == GgmlType.Q4_0_R16) && a == GgmlType.Q8_0_NIBBLE;
    }

    static int panels(int tokens) {
        return (tokens + PANEL - 1) / PANEL;
    }

    /** Shorts for {@code tokens} activation rows of length {@code k} as panels (the last one zero-padded). */
    static int packedLength(int tokens, int k) {
        return panels(tokens) * PANEL * k;
    }

    /** Floats for their block scales. */
    static int scalesLength(int tokens, int k) {
        return panels(tokens) * PANEL * (k / QK);
    }

    /** Scratch floats {@link #multiply} needs: a float accumulator per (row, panel lane), rows {@link #rowStride} apart. */
    static int scratchLength(int rows, int tokens) {
        return rows * rowStride(tokens);
    }

    /**
     * Floats from one row's accumulators to the next's: the panels' lanes and 16 more, so that a row's worth of
     * accumulators is not a power of two apart (512 tokens: 2 KB), which put the 64 rows' values of one token in the
     * same two L1 sets when {@link #multiply} reads them out (one core, 64 × 512 × 2048: 141-149 G multiply-adds/s
     * without the padding, 147-155 with).
     */
    static int rowStride(int tokens) {
        return panels(tokens) * PANEL + 16;
    }

    /** Where a panel's lane l sits among the float accumulators and scales: even lanes first, then odd. */
    static int slot(int lane) {
        return (lane & 1) == 0 ? lane >> 1 : PANEL / 2 + (lane >> 1);
    }

    /**
     * Writes token {@code t}'s {@code k} integers {@code q[qOffset ..]} and {@code k/32} block scales {@code d[dOffset ..]}
     * into its panel lane: {@code aq[(t/32)·32k + 32i + t%32] = q[i]}, {@code ad[(t/32)·32·nb + 32b + slot(t%32)] = d[b]}.
     */
    static void pack(short[] q, int qOffset, float[] d, int dOffset, int t, int k, short[] aq, float[] ad) {
        int nb = k / QK, p = t / PANEL, lane = t % PANEL;
        int base = p * PANEL * k + lane;
        for (int i = 0; i < k; i++) aq[base + PANEL * i] = q[qOffset + i];
        int s = p * PANEL * nb + slot(lane);
        for (int b = 0; b < nb; b++) ad[s + PANEL * b] = d[dOffset + b];
    }

    /** Zeroes the lanes (integers and scales) of tokens {@code [tokens, next multiple of 32)} of the last panel. */
    static void padLastPanel(int tokens, int k, short[] aq, float[] ad) {
        if (tokens % PANEL == 0) return;
        int nb = k / QK, p = tokens / PANEL;
        for (int lane = tokens % PANEL; lane < PANEL; lane++) {
            for (int i = 0; i < k; i++) aq[p * PANEL * k + PANEL * i + lane] = 0;
            for (int b = 0; b < nb; b++) ad[p * PANEL * nb + PANEL * b + slot(lane)] = 0;
        }
    }

    /**
     * Rows {@code [first, first + count)} of the Q4_0 or Q4_0_R16 matrix {@code w} ({@code cols} values a row) as
     * integers q - 8, row i at {@code q[i·cols]}, and their block scales, row i's at {@code d[i·cols/32]}.
     */
    static void decodeWeights(MemorySegment w, GgmlType type, int first, int count, int cols, short[] q, float[] d) {
        int nb = cols / QK;
        long rows = w.byteSize() / (18L * nb);
        for (int i = 0; i < count; i++) {
            int r = first + i;
            if (type == GgmlType.Q4_0) {
                decodeBlocks(w, (long) r * nb * 18, nb, q, i * cols, d, i * nb);
            } else {
                for (int c = 0; c < RowBlocks.chunks(nb); c++)
                    decodeBlocks(w, RowBlocks.chunkOffset(rows, nb, 18, r, c), RowBlocks.chunkLength(nb, c), q,
                            i * cols + c * RowBlocks.CHUNK * QK, d, i * nb + c * RowBlocks.CHUNK);
            }
        }
    }

    /** {@code n} consecutive 18-byte Q4_0 blocks: byte j's low nibble is value j, its high nibble value j + 16. */
    private static void decodeBlocks(MemorySegment w, long off, int n, short[] q, int qOffset, float[] d, int dOffset) {
        for (int b = 0; b < n; b++, off += 18) {
            d[dOffset + b] = half(w, off);
            IntVector bytes = FastDecode.bytes16(w, off + 2);
            ((ShortVector) bytes.and(0xF).sub(8).convertShape(I2S, S256, 0)).intoArray(q, qOffset + QK * b);
            ((ShortVector) bytes.lanewise(LSHR, 4).sub(8).convertShape(I2S, S256, 0)).intoArray(q, qOffset + QK * b + 16);
        }
    }

    /**
     * Weight rows {@code [0, rows)} (integers {@code w}, scales {@code wd}, from {@link #decodeWeights}) times the
     * {@code tokens} packed activations; the result for (t, r) goes to {@code y[t·ldy + yOffset + r]}. {@code acc} is
     * scratch of at least {@link #scratchLength} floats.
     */
    static void multiply(short[] w, float[] wd, int rows, short[] aq, float[] ad, int tokens, int k, float[] y, int yOffset, int ldy, float[] acc) {
        int np = panels(tokens), nb = k / QK, rows4 = rows - rows % 4;
        // the accumulators of (row r, panel p) at acc[rs·r + 32p], in slot order
        int rs = rowStride(tokens);
        java.util.Arrays.fill(acc, 0, rows * rs, 0f);
        short[] sums = SUMS.get();
        for (int b0 = 0; b0 < nb; b0 += KB) {
            int b1 = Math.min(nb, b0 + KB);
            int p = 0;
            for (; p + 4 <= np; p += 4)
                for (int r = 0; r < rows4; r += 4) kernel4x4(w, wd, r, aq, ad, p, b0, b1, k, sums, acc, r * rs + p * PANEL, rs);
            if (p + 2 <= np) {
                for (int r = 0; r < rows4; r += 4) kernel4x2(w, wd, r, aq, ad, p, b0, b1, k, sums, acc, r * rs + p * PANEL, rs);
                p += 2;
            }
            if (p < np)
                for (int r = 0; r < rows4; r += 4) kernel4x1(w, wd, r, aq, ad, p, b0, b1, k, sums, acc, r * rs + p * PANEL, rs);
            for (int r = rows4; r < rows; r++)
                for (p = 0; p < np; p++) kernel1x1(w, wd, r, aq, ad, p, b0, b1, k, sums, acc, r * rs + p * PANEL);
        }
        // token-major, so each token's outputs are written as one run
        for (int t = 0; t < tokens; t++)
            for (int r = 0, o = t * ldy + yOffset, s = (t / PANEL) * PANEL + slot(t % PANEL); r < rows; r++) y[o + r] = acc[r * rs + s];
    }

    /**
     * Adds the sums of blocks [b0, b1) of one row and one panel ({@code sums[512·(b - b0)]}, the layout every kernel
     * stores: 16 vectors a block) to the float accumulators at {@code acc[o ..]}: each sum vector's even and odd lanes
     * widened apart (a shift pair each, no shuffle), times the block's two scales, even tokens first as {@link #slot}
     * says, block after block. Kept apart from the kernels, which only store their sums: spelled out there for 16 sums
     * per block, it made kernel4x4 too large for C1 ("out of virtual registers"), which left it running the Vector
     * API's Java fallback; here the accumulators stay in registers over the whole chunk. {@link #settle4} does the same
     * for four rows.
     */
    static void settle(short[] sums, float[] wd, int r, float[] ad, int p, int b0, int b1, int k, float[] acc, int o) {
        int nb = k / QK, dp = p * PANEL * nb, wr = r * nb;
        FloatVector even = FloatVector.fromArray(F512, acc, o), odd = FloatVector.fromArray(F512, acc, o + 16);
        for (int b = b0; b < b1; b++) {
            FloatVector s = FloatVector.broadcast(F512, wd[wr + b]);
            IntVector q = (IntVector) ShortVector.fromArray(S512, sums, 16 * PANEL * (b - b0)).reinterpretShape(I512, 0);
            int d = dp + PANEL * b;
            even = ((FloatVector) q.lanewise(LSHL, 16).lanewise(ASHR, 16).convert(I2F, 0)).fma(FloatVector.fromArray(F512, ad, d).mul(s), even);
            odd = ((FloatVector) q.lanewise(ASHR, 16).convert(I2F, 0)).fma(FloatVector.fromArray(F512, ad, d + 16).mul(s), odd);
        }
        even.intoArray(acc, o);
        odd.intoArray(acc, o + 16);
    }

    /**
     * {@link #settle} for rows r..r+3 × panels p..p+panelCount-1 (row r+i, panel p+j: sums at
     * {@code 32·(panelCount·i + j)} within a block's 512, accumulators at {@code o + rs·i + 32j}): per block, a panel's
     * two scale vectors are loaded once for the four rows, and the four rows' eight accumulators stay in registers
     * over the chunk (1B Q4_0 pp512: faster in 4 of 6 alternating
     * runs against the general loop, by 4% on average; one core, 64 × 512 × 2048: 155 against 142-154 G
     * multiply-adds/s).
     */
    static void settle4(short[] sums, int panelCount, float[] wd, int r, float[] ad, int p, int b0, int b1, int k, float[] acc, int o, int rs) {
        int nb = k / QK;
        for (int j = 0; j < panelCount; j++) {
            int dj = (p + j) * PANEL * nb, z = o + PANEL * j, si = PANEL * j, w0 = r * nb;
            FloatVector e0 = FloatVector.fromArray(F512, acc, z), f0 = FloatVector.fromArray(F512, acc, z + 16);
            FloatVector e1 = FloatVector.fromArray(F512, acc, z + rs), f1 = FloatVector.fromArray(F512, acc, z + rs + 16);
            FloatVector e2 = FloatVector.fromArray(F512, acc, z + 2 * rs), f2 = FloatVector.fromArray(F512, acc, z + 2 * rs + 16);
            FloatVector e3 = FloatVector.fromArray(F512, acc, z + 3 * rs), f3 = FloatVector.fromArray(F512, acc, z + 3 * rs + 16);
            for (int b = b0; b < b1; b++) {
                int d = dj + PANEL * b, sb = si + 16 * PANEL * (b - b0);
                FloatVector even = FloatVector.fromArray(F512, ad, d), odd = FloatVector.fromArray(F512, ad, d + 16);
                FloatVector s; IntVector q;
                s = FloatVector.broadcast(F512, wd[w0 + b]);
                q = (IntVector) ShortVector.fromArray(S512, sums, sb).reinterpretShape(I512, 0);
                e0 = ((FloatVector) q.lanewise(LSHL, 16).lanewise(ASHR, 16).convert(I2F, 0)).fma(even.mul(s), e0);
                f0 = ((FloatVector) q.lanewise(ASHR, 16).convert(I2F, 0)).fma(odd.mul(s), f0);
                s = FloatVector.broadcast(F512, wd[w0 + nb + b]);
                q = (IntVector) ShortVector.fromArray(S512, sums, sb + PANEL * panelCount).reinterpretShape(I512, 0);
                e1 = ((FloatVector) q.lanewise(LSHL, 16).lanewise(ASHR, 16).convert(I2F, 0)).fma(even.mul(s), e1);
                f1 = ((FloatVector) q.lanewise(ASHR, 16).convert(I2F, 0)).fma(odd.mul(s), f1);
                s = FloatVector.broadcast(F512, wd[w0 + 2 * nb + b]);
                q = (IntVector) ShortVector.fromArray(S512, sums, sb + 2 * PANEL * panelCount).reinterpretShape(I512, 0);
                e2 = ((FloatVector) q.lanewise(LSHL, 16).lanewise(ASHR, 16).convert(I2F, 0)).fma(even.mul(s), e2);
                f2 = ((FloatVector) q.lanewise(ASHR, 16).convert(I2F, 0)).fma(odd.mul(s), f2);
                s = FloatVector.broadcast(F512, wd[w0 + 3 * nb + b]);
                q = (IntVector) ShortVector.fromArray(S512, sums, sb + 3 * PANEL * panelCount).reinterpretShape(I512, 0);
                e3 = ((FloatVector) q.lanewise(LSHL, 16).lanewise(ASHR, 16).convert(I2F, 0)).fma(even.mul(s), e3);
                f3 = ((FloatVector) q.lanewise(ASHR, 16).convert(I2F, 0)).fma(odd.mul(s), f3);
            }
            e0.intoArray(acc, z); f0.intoArray(acc, z + 16);
            e1.intoArray(acc, z + rs); f1.intoArray(acc, z + rs + 16);
            e2.intoArray(acc, z + 2 * rs); f2.intoArray(acc, z + 2 * rs + 16);
            e3.intoArray(acc, z + 3 * rs); f3.intoArray(acc, z + 3 * rs + 16);
        }
    }

    /**
     * Weight rows r..r+3 × panels p..p+3 over blocks [b0, b1): per block, 16 vectors of int16 sums (per k, 4 panel
     * loads and 4 weight broadcasts feed 16 multiply-adds), stored to {@code sums}; then {@link #settle4} adds the
     * chunk's sums to the float accumulators.
     */
    static void kernel4x4(short[] w, float[] wd, int r, short[] aq, float[] ad, int p, int b0, int b1, int k, short[] sums, float[] acc, int o, int rs) {
        int w0 = r * k, w1 = w0 + k, w2 = w1 + k, w3 = w2 + k;
        int a0 = p * PANEL * k, a1 = a0 + PANEL * k, a2 = a1 + PANEL * k, a3 = a2 + PANEL * k;
        for (int b = b0, s = 0; b < b1; b++, s += 16 * PANEL) {
            ShortVector c00 = ShortVector.zero(S512), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00, c20 = c00, c21 = c00, c22 = c00, c23 = c00, c30 = c00, c31 = c00, c32 = c00, c33 = c00;
            for (int i = QK * b; i < QK * b + QK; i++) {
                ShortVector x0 = ShortVector.fromArray(S512, aq, a0 + PANEL * i);
                ShortVector x1 = ShortVector.fromArray(S512, aq, a1 + PANEL * i);
                ShortVector x2 = ShortVector.fromArray(S512, aq, a2 + PANEL * i);
                ShortVector x3 = ShortVector.fromArray(S512, aq, a3 + PANEL * i);
                ShortVector v = ShortVector.broadcast(S512, w[w0 + i]);
                c00 = c00.add(v.mul(x0)); c01 = c01.add(v.mul(x1)); c02 = c02.add(v.mul(x2)); c03 = c03.add(v.mul(x3));
                v = ShortVector.broadcast(S512, w[w1 + i]);
                c10 = c10.add(v.mul(x0)); c11 = c11.add(v.mul(x1)); c12 = c12.add(v.mul(x2)); c13 = c13.add(v.mul(x3));
                v = ShortVector.broadcast(S512, w[w2 + i]);
                c20 = c20.add(v.mul(x0)); c21 = c21.add(v.mul(x1)); c22 = c22.add(v.mul(x2)); c23 = c23.add(v.mul(x3));
                v = ShortVector.broadcast(S512, w[w3 + i]);
                c30 = c30.add(v.mul(x0)); c31 = c31.add(v.mul(x1)); c32 = c32.add(v.mul(x2)); c33 = c33.add(v.mul(x3));
            }
            c00.intoArray(sums, s); c01.intoArray(sums, s + 32); c02.intoArray(sums, s + 64); c03.intoArray(sums, s + 96);
            c10.intoArray(sums, s + 128); c11.intoArray(sums, s + 160); c12.intoArray(sums, s + 192); c13.intoArray(sums, s + 224);
            c20.intoArray(sums, s + 256); c21.intoArray(sums, s + 288); c22.intoArray(sums, s + 320); c23.intoArray(sums, s + 352);
            c30.intoArray(sums, s + 384); c31.intoArray(sums, s + 416); c32.intoArray(sums, s + 448); c33.intoArray(sums, s + 480);
        }
        settle4(sums, 4, wd, r, ad, p, b0, b1, k, acc, o, rs);
    }

    /** Rows r..r+3 × panels p..p+1 (panels left over after groups of four); as {@link #kernel4x4}. */
    static void kernel4x2(short[] w, float[] wd, int r, short[] aq, float[] ad, int p, int b0, int b1, int k, short[] sums, float[] acc, int o, int rs) {
        int w0 = r * k, w1 = w0 + k, w2 = w1 + k, w3 = w2 + k;
        int a0 = p * PANEL * k, a1 = a0 + PANEL * k;
        for (int b = b0, s = 0; b < b1; b++, s += 16 * PANEL) {
            ShortVector c00 = ShortVector.zero(S512), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
            for (int i = QK * b; i < QK * b + QK; i++) {
                ShortVector x0 = ShortVector.fromArray(S512, aq, a0 + PANEL * i);
                ShortVector x1 = ShortVector.fromArray(S512, aq, a1 + PANEL * i);
                ShortVector v = ShortVector.broadcast(S512, w[w0 + i]);
                c00 = c00.add(v.mul(x0)); c01 = c01.add(v.mul(x1));
                v = ShortVector.broadcast(S512, w[w1 + i]);
                c10 = c10.add(v.mul(x0)); c11 = c11.add(v.mul(x1));
                v = ShortVector.broadcast(S512, w[w2 + i]);
                c20 = c20.add(v.mul(x0)); c21 = c21.add(v.mul(x1));
                v = ShortVector.broadcast(S512, w[w3 + i]);
                c30 = c30.add(v.mul(x0)); c31 = c31.add(v.mul(x1));
            }
            c00.intoArray(sums, s); c01.intoArray(sums, s + 32);
            c10.intoArray(sums, s + 64); c11.intoArray(sums, s + 96);
            c20.intoArray(sums, s + 128); c21.intoArray(sums, s + 160);
            c30.intoArray(sums, s + 192); c31.intoArray(sums, s + 224);
        }
        settle4(sums, 2, wd, r, ad, p, b0, b1, k, acc, o, rs);
    }

    /** Rows r..r+3 × panel p (panels left over after groups of four); as {@link #kernel4x4}. */
    static void kernel4x1(short[] w, float[] wd, int r, short[] aq, float[] ad, int p, int b0, int b1, int k, short[] sums, float[] acc, int o, int rs) {
        int w0 = r * k, w1 = w0 + k, w2 = w1 + k, w3 = w2 + k;
        int a0 = p * PANEL * k;
        for (int b = b0, s = 0; b < b1; b++, s += 16 * PANEL) {
            ShortVector c00 = ShortVector.zero(S512), c10 = c00, c20 = c00, c30 = c00;
            for (int i = QK * b; i < QK * b + QK; i++) {
                ShortVector x0 = ShortVector.fromArray(S512, aq, a0 + PANEL * i);
                ShortVector v = ShortVector.broadcast(S512, w[w0 + i]);
                c00 = c00.add(v.mul(x0));
                v = ShortVector.broadcast(S512, w[w1 + i]);
                c10 = c10.add(v.mul(x0));
                v = ShortVector.broadcast(S512, w[w2 + i]);
                c20 = c20.add(v.mul(x0));
                v = ShortVector.broadcast(S512, w[w3 + i]);
                c30 = c30.add(v.mul(x0));
            }
            c00.intoArray(sums, s);
            c10.intoArray(sums, s + 32);
            c20.intoArray(sums, s + 64);
            c30.intoArray(sums, s + 96);
        }
        settle4(sums, 1, wd, r, ad, p, b0, b1, k, acc, o, rs);
    }

    /** Row r × panel p (rows left over after groups of four); as {@link #kernel4x4}. */
    static void kernel1x1(short[] w, float[] wd, int r, short[] aq, float[] ad, int p, int b0, int b1, int k, short[] sums, float[] acc, int o) {
        int w0 = r * k;
        int a0 = p * PANEL * k;
        for (int b = b0, s = 0; b < b1; b++, s += 16 * PANEL) {
            ShortVector c00 = ShortVector.zero(S512);
            for (int i = QK * b; i < QK * b + QK; i++) {
                ShortVector x0 = ShortVector.fromArray(S512, aq, a0 + PANEL * i);
                ShortVector v = ShortVector.broadcast(S512, w[w0 + i]);
                c00 = c00.add(v.mul(x0));
            }
            c00.intoArray(sums, s);
        }
        settle(sums, wd, r, ad, p, b0, b1, k, acc, o);
    }
}
