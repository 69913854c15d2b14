package dev.hearth.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Activation rows encoded in the format a weight type multiplies with ({@link TypeOps#dotType()}).
 * One buffer is reused for every matmul of a forward pass; it only grows.
 *
 * <p>The bytes are made when first asked for ({@link #segment}, and the forms made from them), not by {@link #encode}:
 * a prompt GEMM needs only the decoded values as panels, and where the encoding allows ({@link ActivationRoundTrip})
 * those come straight from the floats. So the rows given to {@code encode} are read until the next {@code encode}: their
 * caller must leave them as they are until the products with this encoding are done.
 */
public final class EncodedRows {
    private MemorySegment buffer = MemorySegment.NULL;
    private boolean bytesValid;
    private ComputePool pool;
    private TypeOps ops;
    private float[] source;
    private GgmlType type;
    private int rows;
    private int cols;
    private long rowBytes;
    private float[] decoded = new float[0];
    private boolean decodedValid;
    private float[] panels = new float[0];
    private boolean panelsValid;
    private float[] residuePanels = new float[0];
    private boolean residuePanelsValid;
    private short[] integerPanels = new short[0];
    private float[] integerPanelScales = new float[0];
    private boolean integerPanelsValid;
    private boolean tokenwise;

    /** Encodes rows {@code [0, n)} of {@code x} (row stride {@code cols}) as {@code type}, split over the pool. */
    public EncodedRows encode(ComputePool pool, GgmlType type, float[] x, int n, int cols) {
        return encode(pool, type, TypeOps.of(type), x, n, cols);
    }

    /**
     * {@link #encode} with the reference quantizer (the same bytes: VectorMatchesScalarTest), for the output projection's
     * rows, encoded once per token in a type the rest of the model may not use: see {@link TypeOps#reference}.
     */
    public EncodedRows encodeWithReference(ComputePool pool, GgmlType type, float[] x, int n, int cols) {
        return encode(pool, type, TypeOps.reference(type), x, n, cols);
    }

    private EncodedRows encode(ComputePool pool, GgmlType type, TypeOps ops, float[] x, int n, int cols) {
        this.pool = pool;
        this.ops = ops;
        this.source = x;
        this.type = type;
        this.rows = n;
        this.cols = cols;
        this.rowBytes = type.bytesFor(cols);
        this.bytesValid = false;
        this.decodedValid = false;
        this.panelsValid = false;
        this.residuePanelsValid = false;
        this.integerPanelsValid = false;
        return this;
    }

    /** Quantizes the rows given to {@link #encode} into the buffer, once per encoding, split over the pool. */
    private void ensureBytes() {
        if (bytesValid) return;
        int n = rows, c = cols;
        long need = rowBytes * n;
        if (buffer.byteSize() < need) buffer = Arena.ofAuto().allocate(Math.max(need, 2 * buffer.byteSize()), 64);
        MemorySegment buf = buffer;
        long rb = rowBytes;
        TypeOps ops = this.ops;
        float[] x = source;
        if (n == 1) {
            ops.quantizeActivations(x, 0, buf, 0, c);
        } else {
            pool.run((long) n * c, (t, nt) -> {
                for (int r = ComputePool.split(n, t, nt), end = ComputePool.split(n, t + 1, nt); r < end; r++)
                    ops.quantizeActivations(x, r * c, buf, r * rb, c);
            });
        }
        bytesValid = true;
    }

    /**
     * The encoded rows decoded back to floats ({@code rows × cols}): the very values the integer dot
     * sees, for the float GEMM of prompt processing. Computed once per encoding, split over the pool.
     */
    float[] decoded(ComputePool pool) {
        if (decodedValid) return decoded;
        ensureBytes();
        if (decoded.length < rows * cols) decoded = new float[rows * cols];
        TypeOps decoder = TypeOps.of(type);
        MemorySegment buf = buffer;
        float[] out = decoded;
        int n = rows, c = cols;
        long rb = rowBytes;
        pool.run((long) n * c, (t, nt) -> {
            for (int r = ComputePool.split(n, t, nt), end = ComputePool.split(n, t + 1, nt); r < end; r++)
                decoder.decodeForGemm(buf, r * rb, out, r * c, c);
        });
        decodedValid = true;
        return decoded;
    }

    /**
     * The encoded rows decoded to floats as {@link PanelGemm}'s panels of 16 tokens (the GEMM of
     * quantized weights). Computed once per encoding, split over the pool by panel.
     */
    float[] panels(ComputePool pool) {
        if (panelsValid) return panels;
        if (panels.length < PanelGemm.packedLength(rows, cols)) panels = new float[PanelGemm.packedLength(rows, cols)];
        pack(pool, panels, false);
        panelsValid = true;
        return panels;
    }

    /**
     * The encoded rows decoded for the float GEMM ({@link TypeOps#decodeForGemm}) and packed as
     * {@link FloatGemm#pack} does (PanelGemm's panels, k reordered residue-major). Computed once per
     * encoding, split over the pool by panel. Needs {@code cols} a multiple of 16.
     */
    float[] residuePanels(ComputePool pool) {
        if (residuePanelsValid) return residuePanels;
        if (residuePanels.length < PanelGemm.packedLength(rows, cols)) residuePanels = new float[PanelGemm.packedLength(rows, cols)];
        pack(pool, residuePanels, true);
        residuePanelsValid = true;
        return residuePanels;
    }

    /**
     * The encoded rows (Q8_0_NIBBLE) as {@link Q4_0Gemm}'s panels of 32 tokens: their integers here, their block
     * scales in {@link #integerPanelScales}. Computed once per encoding, split over the pool by panel.
     */
    short[] integerPanels(ComputePool pool) {
        if (integerPanelsValid) return integerPanels;
        if (type != GgmlType.Q8_0_NIBBLE) throw new IllegalStateException("integer panels are made from Q8_0_NIBBLE rows, not " + type);
        ensureBytes();
        int n = rows, c = cols, np = Q4_0Gemm.panels(n);
        if (integerPanels.length < Q4_0Gemm.packedLength(n, c)) integerPanels = new short[Q4_0Gemm.packedLength(n, c)];
        if (integerPanelScales.length < Q4_0Gemm.scalesLength(n, c)) integerPanelScales = new float[Q4_0Gemm.scalesLength(n, c)];
        short[] aq = integerPanels;
        float[] ad = integerPanelScales;
        MemorySegment buf = buffer;
        long rb = rowBytes;
        pool.run((long) n * c, (t, nt) -> {
            short[] q = INTEGERS.get();
            if (q.length < c) INTEGERS.set(q = new short[c]);
            float[] d = ROW.get();
            if (d.length < c / Q4_0Gemm.QK) ROW.set(d = new float[c]);
            for (int p = ComputePool.split(np, t, nt), end = ComputePool.split(np, t + 1, nt); p < end; p++)
                for (int r = p * Q4_0Gemm.PANEL; r < Math.min(n, (p + 1) * Q4_0Gemm.PANEL); r++) {
                    Q8_0NibbleOps.integers(buf, r * rb, c, q, 0, d, 0);
                    Q4_0Gemm.pack(q, 0, d, 0, r, c, aq, ad);
                }
        });
        Q4_0Gemm.padLastPanel(n, c, aq, ad);
        integerPanelsValid = true;
        return integerPanels;
    }

    /** The block scales that go with {@link #integerPanels} (valid once it has been called for this encoding). */
    float[] integerPanelScales() {
        if (!integerPanelsValid) throw new IllegalStateException("integerPanels first");
        return integerPanelScales;
    }

    /**
     * Each row decoded and packed into {@code out} as {@link #panels} ({@code residue} false) or {@link #residuePanels} (true)
     * wants it. A full panel of {@link #panels} is decoded as its 16 rows and moved in 16 × 16 tiles ({@link Transpose#of16});
     * value by value, the packing's scattered stores took 2% of a 1B Q4_K_M pp512's samples (JFR, after warm-up). The
     * values come straight from the floats where the encoder can give them ({@link ActivationRoundTrip}; for F16_WIDE's
     * residue panels, encoding the bytes took 1.4% of a 1B F16 pp512's samples).
     */
    private void pack(ComputePool pool, float[] out, boolean residue) {
        int n = rows, c = cols, np = PanelGemm.panels(n), full = n / PanelGemm.PANEL;
        boolean tiles = !residue && c % PanelGemm.PANEL == 0;
        if (!(ops instanceof ActivationRoundTrip)) ensureBytes(); // panels' values otherwise come from the floats
        pool.run((long) n * c, (t, nt) -> {
            float[] row = ROW.get();
            int need = tiles ? PanelGemm.PANEL * c : c;
            if (row.length < need) ROW.set(row = new float[need]);
            for (int p = ComputePool.split(np, t, nt), end = ComputePool.split(np, t + 1, nt); p < end; p++) {
                if (tiles && p < full) {
                    for (int j = 0; j < PanelGemm.PANEL; j++) rowValues(p * PanelGemm.PANEL + j, row, j * c, false);
                    for (int i = 0, o = p * PanelGemm.PANEL * c; i < c; i += PanelGemm.PANEL) Transpose.of16(row, i, c, out, o + PanelGemm.PANEL * i, PanelGemm.PANEL);
                    continue;
                }
                for (int r = p * PanelGemm.PANEL; r < Math.min(n, (p + 1) * PanelGemm.PANEL); r++) {
                    rowValues(r, row, 0, residue);
                    if (residue) FloatGemm.pack(row, 0, r, c, out);
                    else PanelGemm.pack(row, 0, r, c, out);
                }
            }
        });
        PanelGemm.padLastPanel(n, c, out);
    }

    /**
     * Row r's decoded values into {@code dst[off ..]}, as the float GEMM wants them ({@link TypeOps#decodeForGemm}) or the
     * panel GEMM ({@link TypeOps#dequantize}): straight from the floats where the encoder can give them (an
     * {@link ActivationRoundTrip} type decodes for the float GEMM as it dequantizes), else from the bytes.
     */
    private void rowValues(int r, float[] dst, int off, boolean forFloatGemm) {
        if (ops instanceof ActivationRoundTrip direct) direct.roundTrip(source, r * cols, dst, off, cols);
        else if (forFloatGemm) TypeOps.of(type).decodeForGemm(buffer, r * rowBytes, dst, off, cols);
        else TypeOps.of(type).dequantize(buffer, r * rowBytes, dst, off, cols);
    }

    private static final ThreadLocal<float[]> ROW = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<short[]> INTEGERS = ThreadLocal.withInitial(() -> new short[0]);

    /**
     * With {@code true}, {@link MatMul} multiplies these rows one token at a time with the same dot a
     * one-token step uses, never with the prompt GEMM, whatever their number: each row's products are
     * then bit for bit those of a step of that row alone (speculative decoding's verification).
     */
    public void tokenwise(boolean on) { tokenwise = on; }
    public boolean tokenwise() { return tokenwise; }

    /** The encoded bytes (made now if this encoding has not needed them yet). */
    public MemorySegment segment() {
        ensureBytes();
        return buffer;
    }
    public GgmlType type() { return type; }
    public int rows() { return rows; }
    public int cols() { return cols; }
    public long rowOffset(int r) { return r * rowBytes; }
}
