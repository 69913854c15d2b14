package dev.hearth.model;

import dev.hearth.gguf.Tensor;
import dev.hearth.tensor.ComputePool;
import dev.hearth.tensor.EncodedRows;
import dev.hearth.tensor.FloatOps;
import dev.hearth.tensor.MatMul;
import dev.hearth.tensor.TypeOps;

/**
 * DeepSeek-V2's multi-head latent attention, as llama.cpp's src/models/deepseek2.cpp computes it.
 *
 * <p>Each head's query is {@code [q_nope | q_pe]} ({@code attn_q}, or the low-rank {@code attn_q_a} →
 * RMSNorm → {@code attn_q_b}). Keys and values come from one compressed vector per token:
 * {@code attn_kv_a_mqa} gives {@code [kv_cmpr | k_pe]}; kv_cmpr (kv_lora_rank wide) is RMS-normed with
 * {@code attn_kv_a_norm}; k_pe (rope wide) is rotated and shared by every head. RoPE is YaRN-scaled, and
 * the score scale is mscale² / √(nope + rope) with llama.cpp's mscale (see {@link #scale}).
 *
 * <p>Two weight layouts, as llama.cpp's loader takes them:
 * <ul>
 *   <li><b>{@code attn_kv_b}</b> (files converted before MLA support, e.g. the DeepSeek-Coder-V2-Lite GGUFs
 *   of mid-2024): kv_cmpr is expanded to every head's k_nope and v, and attention is ordinary multi-head
 *   attention over a cache of heads × (nope + rope) keys and heads × v values per token;</li>
 *   <li><b>{@code attn_k_b} + {@code attn_v_b}</b> (current converter, {@code key_length_mla} set): the
 *   expansion is absorbed, so the cache holds only {@code [kv_cmpr | k_pe]} per token, one shared "head"
 *   (kv_lora_rank + rope wide): q_nope is multiplied into the latent space by each head's
 *   {@code attn_k_b}, attention runs there (values = kv_cmpr), and each head's result is brought back
 *   to v wide by its {@code attn_v_b}.</li>
 * </ul>
 */
final class LatentAttention implements Block {
    /** Attention over the cache's view {@code c}, flash or not as the session asks (not checked against llama.cpp's MLA flash attention yet). */
    private void attend(ComputePool pool, Workspace ws, Batch b, int layer, float[] q) {
        if (b.caches()[0].options.flashAttention()) FlashAttention.attend(c, pool, ws, b, layer, q, ws.att, scale, 0f, 0);
        else Attention.attend(c, pool, ws, b, layer, q, ws.att, scale);
    }

    /** Head sizes: {@code nope + rope} per query/key head, {@code v} per value head, {@code rank} of the latent. */
    record Dims(int heads, int nope, int rope, int v, int rank) {
        int qk() { return nope + rope; }
    }

    private final ModelConfig c;   // the cache's view: heads × (nope+rope)/v, or 1 × (rank+rope)/rank
    private final Dims d;
    private final Tensor wq, wqA, wqB;      // wq, or wqA + wqB with qANorm
    private final Norm qANorm;
    private final Tensor wkvA;
    private final Norm kvANorm;
    private final Tensor wkvB;              // the attn_kv_b layout, else null
    private final Tensor[] wkB, wvB;        // the absorbed layout: one matrix per head, else null
    private final Tensor wo;
    private final Rope rope;
    private final float scale;

    LatentAttention(ModelConfig c, Dims d, Tensor wq, Tensor wqA, Norm qANorm, Tensor wqB, Tensor wkvA, Norm kvANorm,
                    Tensor wkvB, Tensor[] wkB, Tensor[] wvB, Tensor wo, Rope rope, float scale) {
        this.c = c;
        this.d = d;
        this.wq = wq;
        this.wqA = wqA;
        this.qANorm = qANorm;
        this.wqB = wqB;
        this.wkvA = wkvA;
        this.kvANorm = kvANorm;
        this.wkvB = wkvB;
        this.wkB = wkB;
        this.wvB = wvB;
        this.wo = wo;
        this.rope = rope;
        this.scale = scale;
    }

    /** Layer {@code i}'s tensors (names and shapes of llama.cpp's deepseek2 loader); absorbed if the file has attn_k_b. */
    static LatentAttention load(Weights w, int i, Dims d, int qRank, boolean absorbed, Rope rope, float scale) {
        ModelConfig c = w.config();
        String p = "blk." + i + ".";
        int E = c.embd(), H = d.heads();
        Tensor wq = null, wqA = null, wqB = null;
        Norm qANorm = null;
        if (qRank > 0) {
            wqA = w.matrix(p + "attn_q_a.weight", E, qRank);
            qANorm = Norm.rms(w.vector(p + "attn_q_a_norm.weight", qRank, true), c.normEps());
            wqB = w.matrix(p + "attn_q_b.weight", qRank, H * d.qk());
        } else {
            wq = w.matrix(p + "attn_q.weight", E, H * d.qk());
        }
        Tensor wkvA = w.matrix(p + "attn_kv_a_mqa.weight", E, d.rank() + d.rope());
        Norm kvANorm = Norm.rms(w.vector(p + "attn_kv_a_norm.weight", d.rank(), true), c.normEps());
        Tensor wkvB = null;
        Tensor[] wkB = null, wvB = null;
        if (absorbed) {
            wkB = MoeFfn.experts(MoeFfn.stacked(w, p + "attn_k_b.weight", d.nope(), d.rank(), H));
            wvB = MoeFfn.experts(MoeFfn.stacked(w, p + "attn_v_b.weight", d.rank(), d.v(), H));
        } else {
            wkvB = w.matrix(p + "attn_kv_b.weight", d.rank(), H * (d.nope() + d.v()));
        }
        Tensor wo = w.matrix(p + "attn_output.weight", H * d.v(), E);
        return new LatentAttention(c, d, wq, wqA, qANorm, wqB, wkvA, kvANorm, wkvB, wkB, wvB, wo, rope, scale);
    }

    /**
     * The score scale: mscale² / √(nope + rope), where mscale undoes the attention factor llama.cpp folded
     * into YaRN's cos/sin and applies DeepSeek's own, {@code 1 + 0.1 · yarn_log_multiplier · ln(factor)}
     * (deepseek2.cpp; {@code attnFactor} is llama.cpp's cparams.yarn_attn_factor, {@code freqScale} 1/factor).
     */
    static float scale(float attnFactor, float freqScale, float yarnLogMul, int qkHead) {
        float attnFactorOrg = attnFactor * (1.0f + 0.1f * (float) Math.log(1.0f / freqScale));
        float mscale = attnFactorOrg * (1.0f + 0.1f * yarnLogMul * (float) Math.log(1.0f / freqScale));
        return 1.0f * mscale * mscale / (float) Math.sqrt(qkHead);
    }

    /** Scratch for up to {@code maxBatch} tokens. */
    static final class Scratch {
        final float[] qRaw, qa, kvA, cmpr, kvB, rows, rowsOut;
        final EncodedRows enc = new EncodedRows();

        Scratch(Dims d, int qRank, int maxBatch) {
            int B = maxBatch, H = d.heads();
            qRaw = new float[B * H * d.qk()];
            qa = new float[B * Math.max(qRank, 1)];
            kvA = new float[B * (d.rank() + d.rope())];
            cmpr = new float[B * d.rank()];
            kvB = new float[B * H * (d.nope() + d.v())];
            rows = new float[B * Math.max(d.nope(), d.rank())];
            rowsOut = new float[B * H * d.v()];
        }
    }

    @Override
    public String describe() {
        return "multi-head latent attention, " + d.heads() + " heads, head size " + d.nope() + "+" + d.rope() + "/" + d.v()
                + ", latent rank " + d.rank() + (wqA != null ? ", query rank " + wqA.rowCount() : "")
                + (wkvB != null ? ", attn_kv_b (expanded heads cached)" : ", absorbed (latent row cached)")
                + ", scores scaled by " + scale + "; RoPE " + rope.describe();
    }

    @Override
    public void forward(ComputePool pool, Workspace ws, Batch b, int layer, float[] io) {
        int n = b.size(), E = c.embd(), H = d.heads(), qk = d.qk(), R = d.rank(), P = d.rope();
        if (ws.mla == null) ws.mla = new Scratch(d, wqA != null ? wqA.rowCount() : 0, ws.maxBatch);
        Scratch s = ws.mla;
        s.enc.tokenwise(b.tokenwise());

        // queries: [q_nope | q_pe] per head
        if (wq != null) {
            Linear.project(pool, s.enc, io, n, E, new Tensor[] {wq, wkvA}, new float[][] {null, null}, new float[][] {s.qRaw, s.kvA});
        } else {
            int qRank = wqA.rowCount();
            Linear.project(pool, s.enc, io, n, E, new Tensor[] {wqA, wkvA}, new float[][] {null, null}, new float[][] {s.qa, s.kvA});
            for (int t = 0; t < n; t++) qANorm.apply(s.qa, t * qRank, s.qa, t * qRank, qRank);
            Linear.project(pool, s.enc, s.qa, n, qRank, new Tensor[] {wqB}, new float[][] {null}, new float[][] {s.qRaw});
        }
        // the compressed key/value: kv_cmpr normed, k_pe rotated (in place in kvA)
        for (int t = 0; t < n; t++) {
            kvANorm.apply(s.cmpr, t * R, s.kvA, t * (R + P), R);
            rope.angles(b.positions()[t], ws.cos, ws.sin);
            rope.rotate(s.kvA, t * (R + P) + R, 1, P, ws.cos, ws.sin);
            rope.rotate(s.qRaw, t * H * qk + d.nope(), H, qk, ws.cos, ws.sin);
        }

        float[] q = ws.q, k = ws.k, v = ws.v;
        if (wkvB != null) {
            // expanded: k = [k_nope(h) | k_pe], v = v(h) for every head; ordinary multi-head attention
            int kvb = d.nope() + d.v();
            Linear.project(pool, s.enc, s.cmpr, n, R, new Tensor[] {wkvB}, new float[][] {null}, new float[][] {s.kvB});
            for (int t = 0; t < n; t++) {
                for (int h = 0; h < H; h++) {
                    int src = t * H * kvb + h * kvb, dk = t * H * qk + h * qk;
                    System.arraycopy(s.kvB, src, k, dk, d.nope());
                    System.arraycopy(s.kvA, t * (R + P) + R, k, dk + d.nope(), P);
                    System.arraycopy(s.kvB, src + d.nope(), v, t * H * d.v() + h * d.v(), d.v());
                }
                b.caches()[t].store(layer, b.positions()[t], k, t * H * qk, v, t * H * d.v());
            }
            System.arraycopy(s.qRaw, 0, q, 0, n * H * qk);
            attend(pool, ws, b, layer, q);
            Linear.project(pool, s.enc, ws.att, n, H * d.v(), new Tensor[] {wo}, new float[][] {null}, new float[][] {io});
            return;
        }

        // absorbed: q = [attn_k_b(h) · q_nope(h) | q_pe(h)] per head, one cached row [kv_cmpr | k_pe] per token
        int qw = R + P; // a latent query/key row
        for (int h = 0; h < H; h++) {
            for (int t = 0; t < n; t++) System.arraycopy(s.qRaw, t * H * qk + h * qk, s.rows, t * d.nope(), d.nope());
            s.enc.encode(pool, TypeOps.of(wkB[h].type()).dotType(), s.rows, n, d.nope());
            MatMul.multiply(pool, wkB[h], s.enc, q, h * qw, H * qw);
        }
        for (int t = 0; t < n; t++) {
            for (int h = 0; h < H; h++) System.arraycopy(s.qRaw, t * H * qk + h * qk + d.nope(), q, t * H * qw + h * qw + R, P);
            System.arraycopy(s.cmpr, t * R, k, t * qw, R);
            System.arraycopy(s.kvA, t * (R + P) + R, k, t * qw + R, P);
            b.caches()[t].store(layer, b.positions()[t], k, t * qw, s.cmpr, t * R);
        }
        attend(pool, ws, b, layer, q);
        // each head's latent result (rank wide) back to v wide by its attn_v_b, into the rows wo reads
        for (int h = 0; h < H; h++) {
            for (int t = 0; t < n; t++) System.arraycopy(ws.att, t * H * R + h * R, s.rows, t * R, R);
            s.enc.encode(pool, TypeOps.of(wvB[h].type()).dotType(), s.rows, n, R);
            MatMul.multiply(pool, wvB[h], s.enc, s.rowsOut, h * d.v(), H * d.v());
        }
        Linear.project(pool, s.enc, s.rowsOut, n, H * d.v(), new Tensor[] {wo}, new float[][] {null}, new float[][] {io});
    }
}
