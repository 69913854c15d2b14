package dev.hearth.tensor;

import dev.hearth.gguf.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * Weight matrix times activations: {@code y[t][r] = W[r] · x[t]} for every token row t.
 *
 * <p>The weights stay where they are (the mapped file); activations are encoded once into the weight
 * type's dot format ({@link EncodedRows}) and the output rows are cut in pieces that the compute pool's threads claim as they go.
 * For each weight row, every token is multiplied while that row is still in cache, so prompt
 * processing reads each weight byte once per batch rather than once per token.
 */
public final class MatMul {
    private MatMul() {}

    /**
     * {@code y[t * ldy + yOffset + r] = dot(w row r, x row t)} for t &lt; x.rows(), r &lt; w's row count.
     * {@code x} must be encoded as {@code TypeOps.of(w.type()).dotType()}.
     */
    public static void multiply(ComputePool pool, Tensor w, EncodedRows x, float[] y, int yOffset, int ldy) {
        products().add(w, y, yOffset, ldy).run(pool, x);
    }

    /**
     * Several matrices times the same activations in one dispatch to the pool (Q, K and V; gate and up):
     * one wait instead of several per layer, and the threads' shares balance over all the rows.
     * Output of matrix i: {@code ys[i][t * ldys[i] + offsets[i] + r]}. All must share one dot type.
     */
    public static void multiply(ComputePool pool, Tensor[] ws, EncodedRows x, float[][] ys, int[] offsets, int[] ldys) {
        Products p = products();
        for (int i = 0; i < ws.length; i++) p.add(ws[i], ys[i], offsets[i], ldys[i]);
        p.run(pool, x);
    }

    /** The calling thread's {@link Products}, emptied. */
    public static Products products() {
        return PRODUCTS.get().clear();
    }

    private static final ThreadLocal<Products> PRODUCTS = ThreadLocal.withInitial(Products::new);

    /**
     * Matrices to multiply by the same activations in one dispatch, gathered without allocating: {@link #products},
     * {@link #add} each, {@link #run}. Generation makes ~110 of these dispatches per token; with arrays made per call
     * and a lambda capturing them, that was ~18 KB of garbage per token (JFR, 1B Q4_0). Each thread has its own, and
     * it is also generation's job in the pool ({@link #run(int, int)}), its fields set for the dispatch.
     */
    public static final class Products implements ComputePool.Job {
        private Tensor[] ws = new Tensor[4];
        private TypeOps[] ops = new TypeOps[4];
        private float[][] ys = new float[4][];
        private int[] offsets = new int[4], ldys = new int[4], firstRow = new int[5];
        private int m;
        // generation's dispatch, read by the pool's threads in run(int, int)
        private ComputePool pool;
        private MemorySegment xd;
        private long aStride;
        private int tokens, cols, totalRows, pieces;

        private Products() {}

        private Products clear() {
            java.util.Arrays.fill(ws, 0, m, null);
            java.util.Arrays.fill(ys, 0, m, null);
            m = 0;
            return this;
        }

        /** Adds matrix {@code w}, its output for (token t, row r) going to {@code y[t * ldy + yOffset + r]}. */
        public Products add(Tensor w, float[] y, int yOffset, int ldy) {
            if (m == ws.length) {
                int n = 2 * m;
                ws = java.util.Arrays.copyOf(ws, n);
                ops = java.util.Arrays.copyOf(ops, n);
                ys = java.util.Arrays.copyOf(ys, n);
                offsets = java.util.Arrays.copyOf(offsets, n);
                ldys = java.util.Arrays.copyOf(ldys, n);
                firstRow = java.util.Arrays.copyOf(firstRow, n + 1);
            }
            ws[m] = w;
            ops[m] = TypeOps.of(w.type());
            ys[m] = y;
            offsets[m] = yOffset;
            ldys[m] = ldy;
            m++;
            return this;
        }

        /** Multiplies every matrix added by {@code x} (encoded as their shared dot type), then empties this. */
        public void run(ComputePool pool, EncodedRows x) {
            try {
                dispatch(pool, x);
            } finally {
                this.pool = null;
                xd = null;
                clear();
            }
        }

        private void dispatch(ComputePool pool, EncodedRows x) {
            Tensor[] ws = this.ws;
            TypeOps[] ops = this.ops;
            float[][] ys = this.ys;
            int[] offsets = this.offsets, ldys = this.ldys, firstRow = this.firstRow;
            int m = this.m;
            long work = 0;
            firstRow[0] = 0;
            for (int i = 0; i < m; i++) {
                Tensor w = ws[i];
                if (x.type() != ops[i].dotType()) throw new IllegalArgumentException(w.name() + ": activations are " + x.type() + ", need " + ops[i].dotType());
                if (x.cols() != w.rowLength()) throw new IllegalArgumentException(w.name() + ": " + w.rowLength() + " columns, activations have " + x.cols());
                firstRow[i + 1] = firstRow[i] + w.rowCount();
                work += (long) w.rowCount() * w.rowLength() * x.rows();
            }
            int cols = x.cols(), tokens = x.rows(), totalRows = firstRow[m];
            // Q4_1/Q5_1 dots use the activation block's sum s as ggml stores it, rounded to float16; the float
            // GEMM would use the exact sum, a systematic difference (KL to llama.cpp 2.5x higher, measured)
            int gemmFrom = 0;
            for (int i = 0; i < m; i++) gemmFrom = Math.max(gemmFrom, ops[i].gemmMinTokens());
            if (tokens >= gemmFrom && x.type() != GgmlType.Q8_1 && !x.tokenwise()) {
                // quantized weights: PanelGemm (one lane per output); F32/F16/BF16: FloatGemm, which sums
                // in tinyBLAS's order so those products match llama.cpp to the bit (FloatRowGemm, the same sums,
                // for small batches and row lengths that are not a multiple of 16)
                boolean quantized = ws[0].type().isQuantized();
                boolean chains = !quantized && cols % 16 == 0 && tokens >= FloatGemm.MIN_TOKENS;
                // Q4_0 weights: the 16-bit integer GEMM (Q4_0Gemm); the activations are made in the forms the matrices need
                boolean[] integer = new boolean[m]; // (a prompt batch: allocations here are per batch, not per token)
                boolean anyInteger = false, anyPanel = false;
                for (int i = 0; i < m; i++) {
                    integer[i] = INTEGER_GEMM && Q4_0Gemm.accepts(ws[i].type(), x.type());
                    anyInteger |= integer[i];
                    anyPanel |= quantized && !integer[i];
                }
                float[] a = anyPanel ? x.panels(pool) : quantized ? null : chains ? x.residuePanels(pool) : x.decoded(pool);
                short[] aq = anyInteger ? x.integerPanels(pool) : null;
                float[] ad = anyInteger ? x.integerPanelScales() : null;
                // row blocks never straddle two matrices: block b of matrix i covers rows [rowsOf[i]·b, rowsOf[i]·(b+1)) of it
                // (Q4_0Gemm's blocking is made for 64 rows: a dispatch with any of its matrices keeps those for all)
                boolean panelBlocks = anyPanel && !anyInteger;
                int[] firstBlock = new int[m + 1], rowsOf = new int[m];
                int most = 0;
                for (int i = 0; i < m; i++) {
                    int rows = ws[i].rowCount();
                    rowsOf[i] = panelBlocks ? panelBlockRows(rows, pool.threads()) : quantized || chains ? PANEL_ROWS : gemmRows(cols);
                    firstBlock[i + 1] = firstBlock[i] + (rows + rowsOf[i] - 1) / rowsOf[i];
                    most = Math.max(most, rowsOf[i]);
                }
                // the dispatch's last round of blocks (its last matrix's last `threads` blocks) cut in halves, so that a thread
                // that finishes first waits for at most half a block (1B Q4_0 pp512, two threads, wall-clock samples: the caller
                // waited 1.8% of its time at the ends of these dispatches); rows are the same sums in any block
                boolean halves = panelBlocks && pool.threads() > 1;
                int last = m - 1, keep = halves ? Math.max(0, firstBlock[m] - firstBlock[last] - pool.threads()) : 0;
                int lastFrom = halves ? firstBlock[last] + keep : firstBlock[m], lastStart = keep * rowsOf[last];
                int lastRows = PanelGemm.ROWS * PanelGemm.groups((rowsOf[last] + 1) / 2);
                int allBlocks = halves ? lastFrom + (ws[last].rowCount() - lastStart + lastRows - 1) / lastRows : firstBlock[m];
                int blockRows = most;
                int scratch = quantized ? Math.max(PanelGemm.scratchLength(blockRows, tokens), Q4_0Gemm.scratchLength(blockRows, tokens))
                        : chains ? FloatGemm.scratchLength(blockRows) : 0;
                int bufLength = panelBlocks ? cols : blockRows * cols, groupedLength = anyPanel ? PanelGemm.groupedLength(blockRows, Math.min(cols, PanelGemm.DECODE_COLUMNS)) : 0;
                pool.run(work, (t, nt) -> {
                    float[] buf = ROW_BLOCK.get();
                    if (buf.length < bufLength) ROW_BLOCK.set(buf = new float[bufLength]);
                    float[] acc = GEMM_ACC.get();
                    if (acc.length < scratch) GEMM_ACC.set(acc = new float[scratch]);
                    float[] grouped = groupedLength > 0 ? GROUPED.get() : null;
                    if (groupedLength > 0 && grouped.length < groupedLength) GROUPED.set(grouped = new float[groupedLength]);
                    float[] row = chains ? GEMM_ROW.get() : null;
                    if (chains && row.length < cols) GEMM_ROW.set(row = new float[cols]);
                    // blocks claimed one at a time, as generation's pieces are: a thread whose vCPU keeps running takes
                    // more of them rather than wait at the end for a static share the other thread has not finished
                    for (int b; (b = pool.claim()) < allBlocks; ) {
                        int i = 0, r0, size;
                        if (b >= lastFrom) {
                            i = m - 1;
                            r0 = lastStart + (b - lastFrom) * lastRows;
                            size = lastRows;
                        } else {
                            while (b >= firstBlock[i + 1]) i++;
                            r0 = (b - firstBlock[i]) * rowsOf[i];
                            size = rowsOf[i];
                        }
                        Tensor w = ws[i];
                        int n = Math.min(size, w.rowCount() - r0);
                        if (integer[i]) {
                            short[] q = ROW_INTEGERS.get();
                            if (q.length < blockRows * cols) ROW_INTEGERS.set(q = new short[blockRows * cols]);
                            Q4_0Gemm.decodeWeights(w.data(), w.type(), r0, n, cols, q, buf);
                            Q4_0Gemm.multiply(q, buf, n, aq, ad, tokens, cols, ys[i], offsets[i] + r0, ldys[i], acc);
                        } else if (quantized) {
                            // 256 columns at a time as the GEMM reaches them, row by row through a buffer that stays in L1,
                            // straight into the kernels' order
                            TypeOps op = ops[i];
                            MemorySegment wd = w.data();
                            float[] span = buf;
                            int first = r0, count = n;
                            PanelGemm.multiply((c0, c1, dst) -> {
                                for (int r = 0; r < count; r++) {
                                    op.dequantizeSpan(wd, first + r, cols, c0, c1, span, 0);
                                    PanelGemm.groupRow(span, 0, r, c1 - c0, dst);
                                }
                                PanelGemm.zeroRowsFrom(count, c1 - c0, dst);
                            }, PanelGemm.DECODE_COLUMNS, grouped, n, a, tokens, cols, ys[i], offsets[i] + r0, ldys[i], acc);
                        } else if (chains) {
                            for (int r = 0; r < n; r++) {
                                ops[i].decodeForGemm(w.data(), (r0 + r) * w.rowBytes(), row, 0, cols);
                                FloatGemm.permute(row, 0, cols, buf, r * cols);
                            }
                            FloatGemm.multiply(buf, n, a, tokens, cols, ys[i], offsets[i] + r0, ldys[i], acc);
                        } else {
                            // row by row, as the activations are decoded: BF16's order is per 32 values, and a block
                            // of rows decoded as one run would pair values across rows when 32 does not divide cols
                            for (int r = 0; r < n; r++) ops[i].decodeForGemm(w.data(), (r0 + r) * w.rowBytes(), buf, r * cols, cols);
                            FloatRowGemm.multiply(buf, n, a, tokens, cols, ys[i], offsets[i] + r0, ldys[i]);
                        }
                    }
                });
                return;
            }
            // generation, and a few tokens (batched slots, short prompts; speculative decoding's verification, whatever the
            // count): pieces of rows claimed by the threads as they go, each piece's rows dotted with every token while they
            // are in cache; every result is dot's, as in a one-token step. A thread alone takes one token's rows in one run.
            this.pool = pool;
            xd = x.segment();
            aStride = x.rowOffset(1);
            this.tokens = tokens;
            this.cols = cols;
            this.totalRows = totalRows;
            pieces = Math.max(1, totalRows / (tokens == 1 ? GENERATION_CHUNK_ROWS : TOKENWISE_CHUNK_ROWS));
            pool.run(work, this);
        }

        /** Generation's share of thread t of nt (see {@link #dispatch}). */
        @Override
        public void run(int t, int nt) {
            if (nt == 1 && tokens == 1) {
                rows(ws, ops, m, ys, offsets, ldys, firstRow, xd, aStride, 1, cols, 0, totalRows);
                return;
            }
            for (int c; (c = pool.claim()) < pieces; )
                rows(ws, ops, m, ys, offsets, ldys, firstRow, xd, aStride, tokens, cols, ComputePool.split(totalRows, c, pieces), ComputePool.split(totalRows, c + 1, pieces));
        }
    }

    /**
     * Rows [g, end) of the matrices stacked in {@code ws} (matrix i from row firstRow[i]) times every token: one dotRows run
     * per matrix for one token (generation), one dotRowsTokens run for several. dotRows is called here directly, not
     * through dotRowsTokens, so that generation's loop is compiled on its own (1B Q8_0 output matrix, one thread:
     * 25.0-25.4 GB/s, against 24.1 with the dot inlined under a token loop).
     */
    private static void rows(Tensor[] ws, TypeOps[] ops, int m, float[][] ys, int[] offsets, int[] ldys, int[] firstRow, MemorySegment xd, long aStride,
                             int tokens, int cols, int g, int end) {
        for (int i = 0; i < m && g < end; i++) {
            if (g >= firstRow[i + 1]) continue;
            int r0 = g - firstRow[i], n = Math.min(end, firstRow[i + 1]) - g;
            Tensor w = ws[i];
            if (tokens == 1) ops[i].dotRows(w.data(), r0 * w.rowBytes(), w.rowBytes(), n, xd, 0, cols, ys[i], offsets[i] + r0);
            else ops[i].dotRowsTokens(w.data(), r0 * w.rowBytes(), w.rowBytes(), n, xd, 0, aStride, tokens, cols, ys[i], offsets[i] + r0, ldys[i]);
            g += n;
        }
    }

    /**
     * From this many tokens on (a type's {@link TypeOps#gemmMinTokens} may ask for more), weights are decoded
     * once per block of rows (to floats; Q4_0's to 16-bit integers) and multiplied with the activations,
     * decoded likewise, by a register-blocked kernel: decoding is then amortized over the tokens. Below it,
     * the integer dot streams the quantized weights, which is what matters when reading the weights is the
     * bottleneck.
     */
    static final int GEMM_MIN_TOKENS = 8;
    /**
     * Weight rows decoded per GEMM block: as many as fill ~512 KB of floats (half of an L2), at least
     * 16 and at most 64. Every block streams all the batch's activations once (4-16 MB for 512 tokens,
     * from L3 or memory), so bigger blocks mean fewer passes; 16 rows left the GEMM waiting on them.
     */
    static int gemmRows(int cols) {
        return Math.max(16, Math.min(GEMM_ROWS_MAX, (131072 / cols) & ~3));
    }

    static final int GEMM_ROWS_MAX = Integer.getInteger("hearth.gemmRows", 64);
    /**
     * Generation's matrix-vector products are cut in pieces of about this many rows that the threads claim as
     * they go ({@link ComputePool#claim}), as llama.cpp cuts them (64 rows, ggml-cpu.c), not in one static share
     * per thread: on a VM whose vCPUs are not always both running, a static share left the faster thread idle
     * at every one of a token's ~110 waits.
     */
    static final int GENERATION_CHUNK_ROWS = Integer.getInteger("hearth.chunkRows", 64);
    /**
     * The pieces of a step of several tokens (speculative decoding's verification, batched slots): each piece's
     * dotRowsTokens first packs every token's activations for its kernel (the whole row length, once per piece). 1B Q4_0,
     * two threads, steps of one token and eight drafts, async-profiler's CPU samples of those steps: the packing took 4.0%
     * in pieces of 64 rows, 1.0% in pieces of 256. A piece of nine tokens takes several times a one-token piece's time, so
     * the threads still get enough pieces to balance.
     */
    static final int TOKENWISE_CHUNK_ROWS = 4 * GENERATION_CHUNK_ROWS;

    /**
     * Weight rows decoded per {@link PanelGemm} (and {@link FloatGemm}) block, whatever the row length: that GEMM cuts k in
     * chunks itself, so more rows only mean fewer passes over the activations (k = 8192, one core:
     * 16 rows 189 GFLOP/s, 32 rows 202, 64 rows 217).
     */
    static final int PANEL_ROWS = 64;
    /**
     * {@link #PANEL_ROWS} for {@link PanelGemm}: 32 of its groups of 7 rows. The activations' panels (4 MB for 512
     * tokens × 2048) do not fit L2, so each block of rows reads them from L3 once: 224 rows read them 3.5 times less
     * often than 64 (1B Q4_0 pp512, two threads, the GEMM's own rate inside the run, 224-row blocks and {@link
     * PanelGemm#KC} = 128 alternating with 63-row blocks and chunks of 2048: 83-94 GFLOP/s a thread against 75-81, in
     * each of four rounds). A block's weights are decoded 256 columns at a time as the GEMM reaches them
     * ({@link PanelGemm#DECODE_COLUMNS}: 224 × 256 floats, in L2), not all of k at once (7 MB for k = 8192, out to L3 and back).
     */
    static final int QUANTIZED_PANEL_ROWS = 32 * PanelGemm.ROWS;

    /**
     * Rows of a matrix's {@link PanelGemm} blocks: whole groups of 7, at most {@link #QUANTIZED_PANEL_ROWS}, and cut so
     * that the blocks come in whole rounds of {@code threads} of about one size; 2048 rows in 224s left a last block
     * of 32, and one of two threads working through a tenth of the matrix alone.
     */
    static int panelBlockRows(int rows, int threads) {
        int round = threads * QUANTIZED_PANEL_ROWS, blocks = threads * ((rows + round - 1) / round), per = (rows + blocks - 1) / blocks;
        return PanelGemm.ROWS * ((per + PanelGemm.ROWS - 1) / PanelGemm.ROWS);
    }
    /**
     * Whether Q4_0 prompts go through the 16-bit integer {@link Q4_0Gemm} rather than the float {@link PanelGemm}: not on
     * Intel cores, which issue 512-bit 16-bit multiplies on one port against the float FMA's two, so the 32 lanes of
     * a multiply buy nothing over the FMA's 16 there, and the integer kernel's per-block scaling is pure cost. On an
     * Intel Xeon VM (Sapphire Rapids class, 2.1 GHz), one core, bare loops: 71 G 16-bit multiply-adds/s against 76 G
     * float FMAs (Zen 5: 220-234 against 136); 1B Q4_0 pp512, two cores, alternating: float 47.6 / 70.3 / 65.5 / 65.8
     * tokens/s, integer 42.5 / 50.0 / 55.0 / 61.9 (the VM's speed drifts: compare pairs, not columns).
     * {@code -Dhearth.q4_0.integerGemm=true} or {@code false} decides instead (to compare).
     */
    static final boolean INTEGER_GEMM = integerGemm(System.getProperty("hearth.q4_0.integerGemm"), CpuVendor.THIS);

    static boolean integerGemm(String property, CpuVendor vendor) {
        return property != null ? !"false".equals(property) : vendor != CpuVendor.INTEL;
    }

    private static final ThreadLocal<short[]> ROW_INTEGERS = ThreadLocal.withInitial(() -> new short[0]);
    private static final ThreadLocal<float[]> ROW_BLOCK = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> GROUPED = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> GEMM_ACC = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> GEMM_ROW = ThreadLocal.withInitial(() -> new float[0]);

    /**
     * Decodes row {@code row} of {@code w} into {@code dst[dstOffset ..]} (embedding lookup), with the vector decoder. Not
     * with {@link TypeOps#reference}, though this runs once per token: the vector decoder running first, on the prompt's
     * tokens, is part of what the Vector API's shared type profiles see before the kernels compile, and without it C2
     * compiled Q4_K's generation kernel with a 32-bit shift left to its Java fallback (1B Q4_K_M, pp512 then tg32: 3.0-4.8
     * t/s against 13.8-14.5, in every one of seven processes). The price: in a model whose embedding type nothing else
     * uses (1B Q4_0's Q6_K), that decoder runs in C1 and allocates until C2 takes it, after some thousands of tokens.
     */
    public static void row(Tensor w, int row, float[] dst, int dstOffset) {
        TypeOps.of(w.type()).dequantizeRows(w.data(), row, 1, w.rowLength(), dst, dstOffset);
    }
}
