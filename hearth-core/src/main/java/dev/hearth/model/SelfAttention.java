package dev.hearth.model;

import dev.hearth.gguf.Tensor;
import dev.hearth.tensor.ComputePool;

/**
 * Multi-head (grouped-query) self-attention: Q/K/V projections with optional biases, RoPE on Q and K,
 * attention over the KV cache ({@link Attention}, or {@link FlashAttention} when the session asks for it),
 * output projection with optional bias.
 *
 * <p>A fused {@code attn_qkv} weight is loaded as three row-range views of the one tensor
 * ({@link Weights#rows}), so it runs exactly like separate projections.
 */
final class SelfAttention implements Block {
    /**
     * What varies between architectures. {@code scale} multiplies the scores Q·K; {@code qScale}, when not 0,
     * multiplies Q itself after RoPE (Phi-3 and Gemma scale Q and pass 1 as the score scale: the rounding
     * differs, since Q is rounded to float16 before the product); {@code softcap} &gt; 0 caps the scores
     * (Gemma-2); {@code window} &gt; 0 is a sliding window of that many positions.
     */
    record Options(float scale, float qScale, float softcap, int window) {
        static Options standard(ModelConfig c) {
            return new Options((float) (1.0 / Math.sqrt(c.headDimK())), 0f, 0f, 0);
        }

        /** Q multiplied by {@code qScale} before attention, scores unscaled. */
        static Options scaledQuery(float qScale, float softcap, int window) {
            return new Options(1f, qScale, softcap, window);
        }
    }

    /**
     * Phi-3's LongRoPE: two RoPE tables, the long one used when a session's context (padded to 256 as
     * llama.cpp pads n_ctx) exceeds the trained original context (llama_model::get_rope_factors).
     */
    record LongRope(Rope longRope, int originalContext) {
        Rope choose(Rope shortRope, int contextSize) {
            int padded = (contextSize + 255) / 256 * 256;
            return padded > originalContext ? longRope : shortRope;
        }
    }

    private final ModelConfig c;
    private final Tensor[] qkv;
    private final float[][] qkvBias;
    private final Tensor[] wo;
    private final float[][] woBias;
    private final Rope rope;
    private final LongRope longRope; // null unless LongRoPE
    private final Options opt;
    private final Norm qNorm, kNorm; // RMSNorm of Q and K before RoPE, per head (Qwen3) or whole (OLMo-2); null for none
    private final boolean qkNormWhole;

    SelfAttention(ModelConfig c, Tensor wq, Tensor wk, Tensor wv, Tensor wo, float[] bq, float[] bk, float[] bv, float[] bo,
                  Rope rope, LongRope longRope, Options opt) {
        this(c, new Tensor[] {wq, wk, wv}, new float[][] {bq, bk, bv}, new Tensor[] {wo}, new float[][] {bo}, rope, longRope, opt, null, null, false);
    }

    private SelfAttention(ModelConfig c, Tensor[] qkv, float[][] qkvBias, Tensor[] wo, float[][] woBias,
                          Rope rope, LongRope longRope, Options opt, Norm qNorm, Norm kNorm, boolean qkNormWhole) {
        this.c = c;
        this.qkv = qkv;
        this.qkvBias = qkvBias;
        this.wo = wo;
        this.woBias = woBias;
        this.rope = rope;
        this.longRope = longRope;
        this.opt = opt;
        this.qNorm = qNorm;
        this.kNorm = kNorm;
        this.qkNormWhole = qkNormWhole;
    }

    /** This attention with Q and K normalized per head (attn_q_norm, attn_k_norm over one head) before RoPE. */
    SelfAttention withQkNorm(Norm q, Norm k) {
        return new SelfAttention(c, qkv, qkvBias, wo, woBias, rope, longRope, opt, q, k, false);
    }

    /** This attention with all of Q and all of K (every head at once) normalized before RoPE (OLMo-2). */
    SelfAttention withWholeQkNorm(Norm q, Norm k) {
        return new SelfAttention(c, qkv, qkvBias, wo, woBias, rope, longRope, opt, q, k, true);
    }

    /** The usual tensors of layer {@code i}: attn_q/k/v/output (or fused attn_qkv), each with an optional bias. */
    static SelfAttention load(Weights w, int i, Rope rope, Options opt) {
        return load(w, i, rope, null, opt);
    }

    static SelfAttention load(Weights w, int i, Rope rope, LongRope longRope, Options opt) {
        ModelConfig c = w.config();
        String p = "blk." + i + ".";
        Tensor q, k, v;
        float[] bq, bk, bv;
        if (w.has(p + "attn_qkv.weight")) {
            Tensor fused = w.matrix(p + "attn_qkv.weight", c.embd(), c.qDim() + c.kvDimK() + c.kvDimV());
            q = Weights.rows(fused, 0, c.qDim());
            k = Weights.rows(fused, c.qDim(), c.kvDimK());
            v = Weights.rows(fused, c.qDim() + c.kvDimK(), c.kvDimV());
            float[] b = w.vector(p + "attn_qkv.bias", c.qDim() + c.kvDimK() + c.kvDimV(), false);
            bq = b == null ? null : java.util.Arrays.copyOfRange(b, 0, c.qDim());
            bk = b == null ? null : java.util.Arrays.copyOfRange(b, c.qDim(), c.qDim() + c.kvDimK());
            bv = b == null ? null : java.util.Arrays.copyOfRange(b, c.qDim() + c.kvDimK(), b.length);
        } else {
            q = w.matrix(p + "attn_q.weight", c.embd(), c.qDim());
            k = w.matrix(p + "attn_k.weight", c.embd(), c.kvDimK());
            v = w.matrix(p + "attn_v.weight", c.embd(), c.kvDimV());
            bq = w.vector(p + "attn_q.bias", c.qDim(), false);
            bk = w.vector(p + "attn_k.bias", c.kvDimK(), false);
            bv = w.vector(p + "attn_v.bias", c.kvDimV(), false);
        }
        Tensor o = w.matrix(p + "attn_output.weight", c.heads() * c.headDimV(), c.embd());
        float[] bo = w.vector(p + "attn_output.bias", c.embd(), false);
        return new SelfAttention(c, q, k, v, o, bq, bk, bv, bo, rope, longRope, opt);
    }

    /** The sliding window, 0 for none. */
    int window() {
        return opt.window();
    }

    @Override
    public String describe() {
        StringBuilder d = new StringBuilder(c.heads() + " heads, " + c.headsKv() + " KV heads, head size " + c.headDimK());
        if (c.headDimV() != c.headDimK()) d.append("/").append(c.headDimV());
        if (qkvBias[0] != null || qkvBias[1] != null || qkvBias[2] != null) d.append(", Q/K/V biases");
        if (woBias[0] != null) d.append(", output bias");
        if (qNorm != null) d.append(qkNormWhole ? ", Q/K norms (all heads at once)" : ", Q/K norms");
        if (qkv[0].name().endsWith("]")) d.append(", fused QKV");
        if (opt.qScale() != 0f) d.append(", Q scaled by ").append(opt.qScale());
        if (opt.scale() != 1f) d.append(", scores scaled by ").append(opt.scale());
        if (opt.softcap() > 0f) d.append(", scores soft-capped at ").append(opt.softcap());
        if (opt.window() > 0) d.append(", sliding window ").append(opt.window());
        d.append("; RoPE ").append(rope.describe());
        if (longRope != null) d.append("; LongRoPE: long factors above a context of ").append(longRope.originalContext());
        return d.toString();
    }

    @Override
    public void forward(ComputePool pool, Workspace ws, Batch b, int layer, float[] io) {
        int n = b.size();
        float[] q = ws.q, k = ws.k, v = ws.v;
        Linear.project(pool, ws.enc, io, n, c.embd(), qkv, qkvBias, ws.qkvOut);
        if (qNorm != null && qkNormWhole) {
            for (int t = 0; t < n; t++) qNorm.apply(q, t * c.qDim(), q, t * c.qDim(), c.qDim());
            for (int t = 0; t < n; t++) kNorm.apply(k, t * c.kvDimK(), k, t * c.kvDimK(), c.kvDimK());
        } else if (qNorm != null) {
            int dk = c.headDimK();
            for (int i = 0, end = n * c.heads(); i < end; i++) qNorm.apply(q, i * dk, q, i * dk, dk);
            for (int i = 0, end = n * c.headsKv(); i < end; i++) kNorm.apply(k, i * dk, k, i * dk, dk);
        }
        for (int t = 0; t < n; t++) {
            Rope r = longRope == null ? rope : longRope.choose(rope, b.caches()[t].capacity());
            r.angles(b.positions()[t], ws.cos, ws.sin);
            r.rotate(q, t * c.qDim(), c.heads(), c.headDimK(), ws.cos, ws.sin);
            r.rotate(k, t * c.kvDimK(), c.headsKv(), c.headDimK(), ws.cos, ws.sin);
            b.caches()[t].store(layer, b.positions()[t], k, t * c.kvDimK(), v, t * c.kvDimV());
        }
        if (opt.qScale() != 0f) for (int i = 0, end = n * c.qDim(); i < end; i++) q[i] *= opt.qScale();
        if (b.caches()[0].options.flashAttention()) FlashAttention.attend(c, pool, ws, b, layer, q, ws.att, opt.scale(), opt.softcap(), opt.window());
        else Attention.attend(c, pool, ws, b, layer, q, ws.att, opt.scale(), opt.softcap(), opt.window());
        Linear.project(pool, ws.enc, ws.att, n, c.heads() * c.headDimV(), wo[0], woBias[0], io);
    }
}
