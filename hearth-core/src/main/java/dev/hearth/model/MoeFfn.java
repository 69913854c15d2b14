package dev.hearth.model;

import dev.hearth.gguf.GgufFormatException;
import dev.hearth.gguf.Tensor;
import dev.hearth.tensor.ComputePool;
import dev.hearth.tensor.EncodedRows;
import dev.hearth.tensor.FloatOps;
import dev.hearth.tensor.MatMul;
import dev.hearth.tensor.TypeOps;

/**
 * A mixture-of-experts SwiGLU feed-forward block, as llama.cpp's {@code build_moe_ffn}
 * (src/llama-graph.cpp) computes it:
 * <ol>
 *   <li>router logits = {@code ffn_gate_inp} · x (one row per expert);</li>
 *   <li>probabilities = softmax (Mixtral, DeepSeek-V2) or sigmoid (DeepSeek-V3) of the logits;</li>
 *   <li>the top-k experts are chosen by probability plus the optional selection bias
 *       ({@code exp_probs_b}), but weighted by the unbiased probability;</li>
 *   <li>optionally the k weights are divided by their sum (clamped below at 2^-14, F16's smallest
 *       normal) and optionally multiplied by {@code expert_weights_scale};</li>
 *   <li>each chosen expert runs its own SwiGLU FFN, and the outputs are multiplied by their weights
 *       and summed in the order the experts were chosen (ggml adds the views in that order).</li>
 * </ol>
 *
 * <p>Experts are stored stacked ({@code ffn_gate_exps} is [embd, ffn, experts]); {@link #experts}
 * cuts such a tensor into one 2-D view per expert, so an expert is an ordinary weight matrix and
 * only the chosen experts' bytes are ever read. In a batch the tokens are grouped by expert, so each
 * chosen expert's weights are read once per batch, however many of the batch's tokens chose it
 * (what ggml's {@code mul_mat_id} does).
 *
 * <p>DeepSeek's shared experts ({@code ffn_*_shexp}) are a dense FFN on the same input whose output is
 * added to the experts' sum.
 */
final class MoeFfn implements Block {
    enum Gating {
        SOFTMAX, SIGMOID;

        /** llama.cpp's {@code expert_gating_func} values: 1 softmax, 2 sigmoid (0: the architecture's default). */
        static Gating of(int code, Gating fallback) {
            return switch (code) {
                case 0 -> fallback;
                case 1 -> SOFTMAX;
                case 2 -> SIGMOID;
                default -> throw new IllegalArgumentException("expert gating function " + code + " is not supported (1 softmax, 2 sigmoid)");
            };
        }
    }

    /**
     * @param experts   experts per layer ({@code expert_count})
     * @param used      experts chosen per token ({@code expert_used_count})
     * @param ffn       hidden size of one expert
     * @param normalize divide the chosen weights by their sum
     * @param scale     multiply the weights by this (0 or 1: not at all)
     * @param groups    expert groups ({@code expert_group_count}; 0 or 1: none): only the experts of the
     *                  {@code groupsUsed} groups whose two best selection scores sum highest are eligible
     */
    record Params(int experts, int used, int ffn, boolean normalize, float scale, Gating gating, int groups, int groupsUsed) {
        Params(int experts, int used, int ffn, boolean normalize, float scale, Gating gating) {
            this(experts, used, ffn, normalize, scale, gating, 0, 0);
        }
    }

    private final ModelConfig c;
    private final Params p;
    private final Tensor router;
    private final float[] selectionBias; // null: choose by probability alone
    private final Tensor[] gate, up, down;
    private final FeedForward shared;    // null: no shared experts

    MoeFfn(ModelConfig c, Params p, Tensor router, float[] selectionBias, Tensor[] gate, Tensor[] up, Tensor[] down, FeedForward shared) {
        this.c = c;
        this.p = p;
        this.router = router;
        this.selectionBias = selectionBias;
        this.gate = gate;
        this.up = up;
        this.down = down;
        this.shared = shared;
    }

    /**
     * Layer {@code i}'s router {@code ffn_gate_inp}, optional selection bias {@code exp_probs_b.bias}, and
     * stacked experts {@code ffn_{gate,up,down}_exps} (src/llama-model.cpp's tensor shapes). A fused
     * {@code ffn_gate_up_exps} (2 x ffn rows per expert; llama-model.cpp's create_tensor_gate_up_exps) is cut
     * into each expert's gate rows (the first half, as build_moe_ffn's views take them) and up rows.
     */
    static MoeFfn load(Weights w, int i, Params p, FeedForward shared) {
        int E = w.config().embd(), F = p.ffn();
        String pre = "blk." + i + ".";
        Tensor[] gate, up;
        if (w.has(pre + "ffn_gate_up_exps.weight")) {
            Tensor[] gu = experts(stacked(w, pre + "ffn_gate_up_exps.weight", E, 2 * F, p.experts()));
            gate = new Tensor[gu.length];
            up = new Tensor[gu.length];
            for (int e = 0; e < gu.length; e++) {
                gate[e] = Weights.rows(gu[e], 0, F);
                up[e] = Weights.rows(gu[e], F, F);
            }
        } else {
            gate = experts(stacked(w, pre + "ffn_gate_exps.weight", E, F, p.experts()));
            up = experts(stacked(w, pre + "ffn_up_exps.weight", E, F, p.experts()));
        }
        return new MoeFfn(w.config(), p, w.matrix(pre + "ffn_gate_inp.weight", E, p.experts()),
                w.vector(pre + "exp_probs_b.bias", p.experts(), false), gate, up,
                experts(stacked(w, pre + "ffn_down_exps.weight", F, E, p.experts())), shared);
    }

    /** A 3-D tensor of n stacked [cols, rows] matrices, checked like {@link Weights#matrix}. */
    static Tensor stacked(Weights w, String name, int cols, int rows, int n) {
        Tensor t = w.file().requireTensor(name);
        if (t.shape().length != 3 || t.shape()[0] != cols || t.shape()[1] != rows || t.shape()[2] != n)
            throw new GgufFormatException(w.file().path() + ": tensor '" + name + "' has shape " + java.util.Arrays.toString(t.shape())
                    + ", expected [" + cols + ", " + rows + ", " + n + "]");
        try {
            TypeOps.of(t.type());
        } catch (IllegalArgumentException e) {
            throw new GgufFormatException(w.file().path() + ": tensor '" + name + "' has type " + t.type() + ", which Hearth cannot compute with yet");
        }
        return t;
    }

    /** Cuts a stacked [cols, rows, n] tensor into n views of [cols, rows] (no copy). */
    static Tensor[] experts(Tensor t) {
        if (t.shape().length != 3) throw new IllegalArgumentException(t.name() + " is not 3-D: " + java.util.Arrays.toString(t.shape()));
        int n = Math.toIntExact(t.shape()[2]);
        long rows = t.shape()[1];
        long bytes = rows * t.rowBytes();
        Tensor[] out = new Tensor[n];
        for (int e = 0; e < n; e++)
            out[e] = new Tensor(t.name() + "[" + e + "]", t.type(), new long[] {t.shape()[0], rows}, t.data().asSlice(e * bytes, bytes));
        return out;
    }

    /** Scratch space for up to {@code maxBatch} tokens, reused for every layer and step. */
    static final class Scratch {
        final float[] logits, probs, weights, xg, gate, up, down, expertOut, moeOut;
        final int[] chosen, count, rows;
        final float[] groupScore;
        final boolean[] groupOn;
        final int[][] members;
        final EncodedRows enc = new EncodedRows();
        final Tensor[] gu1;        // one token: every chosen expert's gate and up, in one dispatch
        final float[][] gu1Out;
        final int[] gu1Off, gu1Ld;
        final Tensor[] down1;
        final TypeOps[] down1Ops;

        Scratch(Params p, int embd, int maxBatch) {
            int K = p.used();
            gu1 = new Tensor[2 * K];
            gu1Out = new float[2 * K][];
            gu1Off = new int[2 * K];
            gu1Ld = new int[2 * K];
            down1 = new Tensor[K];
            down1Ops = new TypeOps[K];
            logits = new float[maxBatch * p.experts()];
            probs = new float[p.experts()];
            weights = new float[maxBatch * p.used()];
            chosen = new int[maxBatch * p.used()];
            count = new int[p.experts()];
            groupScore = new float[Math.max(p.groups(), 1)];
            groupOn = new boolean[Math.max(p.groups(), 1)];
            members = new int[p.experts()][maxBatch * p.used()]; // (token * used + slot) of each expert's tokens
            rows = new int[maxBatch];
            xg = new float[maxBatch * embd];
            gate = new float[Math.max(maxBatch, K) * p.ffn()]; // one token's K experts side by side, or a batch's rows
            up = new float[Math.max(maxBatch, K) * p.ffn()];
            down = new float[maxBatch * embd];
            expertOut = new float[maxBatch * p.used() * embd];
            moeOut = new float[maxBatch * embd];
        }
    }

    @Override
    public String describe() {
        StringBuilder d = new StringBuilder(p.experts() + " experts of " + p.ffn() + ", " + p.used() + " per token, "
                + p.gating().name().toLowerCase());
        if (selectionBias != null) d.append(" with selection bias");
        if (p.normalize()) d.append(", weights renormalized");
        if (p.scale() != 0f && p.scale() != 1f) d.append(", weights scaled by ").append(p.scale());
        if (shared != null) d.append("; shared experts ").append(shared.describe());
        return d.toString();
    }

    @Override
    public void forward(ComputePool pool, Workspace ws, Batch b, int layer, float[] io) {
        int n = b.size(), E = c.embd();
        if (ws.moe == null) ws.moe = new Scratch(p, E, ws.maxBatch);
        ws.moe.enc.tokenwise(b.tokenwise());
        if (shared == null) {
            forward(pool, ws.moe, io, n, E, io);
            return;
        }
        forward(pool, ws.moe, io, n, E, ws.moe.moeOut);
        shared.forward(pool, ws, b, layer, io);
        FloatOps.add(io, 0, ws.moe.moeOut, 0, n * E); // ggml_add(moe_out, ffn_shexp)
    }

    /**
     * {@code out[t] = MoE(x[t])} for the {@code n} rows of {@code x} (row length {@code embd}). {@code out}
     * may be {@code x}: it is written only after every expert has read its inputs.
     */
    void forward(ComputePool pool, Scratch s, float[] x, int n, int embd, float[] out) {
        int E = p.experts(), K = p.used(), F = p.ffn();
        s.enc.encode(pool, TypeOps.of(router.type()).dotType(), x, n, embd);
        MatMul.multiply(pool, router, s.enc, s.logits, 0, E);

        if (n == 1 && sameDotTypes(s)) {
            route(p, selectionBias, s.logits, 0, s.probs, s.chosen, s.weights, 0, s);
            experts1(pool, s, x, embd);
        } else {
            grouped(pool, s, x, n, embd);
        }

        // weighted sum in the order of choice: ggml multiplies each expert's output by its weight, then adds
        for (int t = 0; t < n; t++) {
            int o = t * embd;
            for (int k = 0; k < K; k++) {
                float wk = s.weights[t * K + k];
                int src = (t * K + k) * embd;
                if (k == 0) for (int j = 0; j < embd; j++) out[o + j] = s.expertOut[src + j] * wk;
                else for (int j = 0; j < embd; j++) out[o + j] += s.expertOut[src + j] * wk;
            }
        }
    }

    /** Whether every expert's gate and up share one dot type, and every down one (true for files from one quantizer pass). */
    private boolean sameDotTypes(Scratch s) {
        if (sameDot == 0) {
            boolean same = true;
            var gt = TypeOps.of(gate[0].type()).dotType();
            var dt = TypeOps.of(down[0].type()).dotType();
            for (int e = 0; e < gate.length; e++)
                same &= TypeOps.of(gate[e].type()).dotType() == gt && TypeOps.of(up[e].type()).dotType() == gt
                        && TypeOps.of(down[e].type()).dotType() == dt;
            sameDot = same ? 1 : 2;
        }
        return sameDot == 1;
    }

    private int sameDot; // 0 unknown, 1 yes, 2 no

    /**
     * One token (generation): the chosen experts' gate and up projections in one dispatch, then their down
     * projections in another, each expert's row multiplied with its own hidden activations. Only the chosen
     * experts' weights are read.
     */
    private void experts1(ComputePool pool, Scratch s, float[] x, int embd) {
        int K = p.used(), F = p.ffn();
        for (int k = 0; k < K; k++) {
            int e = s.chosen[k];
            s.gu1[2 * k] = gate[e];
            s.gu1[2 * k + 1] = up[e];
            s.gu1Out[2 * k] = s.gate;
            s.gu1Out[2 * k + 1] = s.up;
            s.gu1Off[2 * k] = s.gu1Off[2 * k + 1] = k * F;
            s.gu1Ld[2 * k] = s.gu1Ld[2 * k + 1] = K * F;
            s.down1[k] = down[e];
            s.down1Ops[k] = TypeOps.of(down[e].type());
        }
        s.enc.encode(pool, TypeOps.of(gate[s.chosen[0]].type()).dotType(), x, 1, embd);
        MatMul.multiply(pool, s.gu1, s.enc, s.gu1Out, s.gu1Off, s.gu1Ld);
        for (int k = 0; k < K; k++) FloatOps.swiglu(s.gate, k * F, s.up, k * F, F);
        EncodedRows h = s.enc.encode(pool, s.down1Ops[0].dotType(), s.gate, K, F);
        var seg = h.segment();
        float[] y = s.expertOut;
        pool.run((long) K * embd * F, (t, nt) -> {
            for (int g = ComputePool.split(K * embd, t, nt), end = ComputePool.split(K * embd, t + 1, nt); g < end; g++) {
                int k = g / embd, r = g % embd;
                Tensor d = s.down1[k];
                y[g] = s.down1Ops[k].dot(d.data(), r * d.rowBytes(), seg, h.rowOffset(k), F);
            }
        });
    }

    /** A batch: the tokens grouped by expert, each chosen expert's weights read once for all its tokens. */
    private void grouped(ComputePool pool, Scratch s, float[] x, int n, int embd) {
        int E = p.experts(), K = p.used(), F = p.ffn();
        java.util.Arrays.fill(s.count, 0);
        for (int t = 0; t < n; t++) {
            route(p, selectionBias, s.logits, t * E, s.probs, s.chosen, s.weights, t * K, s);
            for (int k = 0; k < K; k++) {
                int e = s.chosen[t * K + k];
                s.members[e][s.count[e]++] = t * K + k;
            }
        }

        Tensor[] gu = new Tensor[2];
        float[][] guOut = {s.gate, s.up};
        int[] zero = {0, 0}, ld = {F, F};
        for (int e = 0; e < E; e++) {
            int m = s.count[e];
            if (m == 0) continue;
            for (int i = 0; i < m; i++) System.arraycopy(x, (s.members[e][i] / K) * embd, s.xg, i * embd, embd);
            gu[0] = gate[e];
            gu[1] = up[e];
            s.enc.encode(pool, TypeOps.of(gu[0].type()).dotType(), s.xg, m, embd);
            if (TypeOps.of(gu[1].type()).dotType() == s.enc.type()) {
                MatMul.multiply(pool, gu, s.enc, guOut, zero, ld);
            } else {
                MatMul.multiply(pool, gu[0], s.enc, s.gate, 0, F);
                s.enc.encode(pool, TypeOps.of(gu[1].type()).dotType(), s.xg, m, embd);
                MatMul.multiply(pool, gu[1], s.enc, s.up, 0, F);
            }
            for (int i = 0; i < m; i++) FloatOps.swiglu(s.gate, i * F, s.up, i * F, F);
            Tensor d = down[e];
            s.enc.encode(pool, TypeOps.of(d.type()).dotType(), s.gate, m, F);
            MatMul.multiply(pool, d, s.enc, s.down, 0, embd);
            for (int i = 0; i < m; i++) System.arraycopy(s.down, i * embd, s.expertOut, s.members[e][i] * embd, embd);
        }
    }

    /**
     * Chooses one token's experts: writes their indices, best first, to {@code chosen[off ..]} and their
     * weights to {@code weights[off ..]}. {@code probs} is scratch of length experts.
     */
    static void route(Params p, float[] bias, float[] logits, int lOff, float[] probs, int[] chosen, float[] weights, int off, Scratch s) {
        int E = p.experts(), K = p.used();
        if (p.gating() == Gating.SOFTMAX) {
            // ggml_soft_max: max-subtracted exponentials in float, their sum in double, times 1/sum
            float max = Float.NEGATIVE_INFINITY;
            for (int e = 0; e < E; e++) max = Math.max(max, logits[lOff + e]);
            double sum = 0;
            for (int e = 0; e < E; e++) {
                float v = (float) Math.exp(logits[lOff + e] - max);
                probs[e] = v;
                sum += v;
            }
            float inv = (float) (1.0 / sum);
            for (int e = 0; e < E; e++) probs[e] *= inv;
        } else {
            for (int e = 0; e < E; e++) probs[e] = 1f / (1f + (float) Math.exp(-logits[lOff + e])); // ggml_vec_sigmoid_f32, in float
        }
        // group-limited routing (DeepSeek-V3; build_moe_ffn's n_expert_groups): a group's score is the sum of its
        // two best selection scores; the experts outside the best groupsUsed groups are not eligible
        int G = p.groups(), perGroup = G > 1 ? E / G : E;
        if (G > 1) {
            for (int g = 0; g < G; g++) {
                float a = Float.NEGATIVE_INFINITY, b = Float.NEGATIVE_INFINITY;
                for (int e = g * perGroup; e < (g + 1) * perGroup; e++) {
                    float score = bias != null ? probs[e] + bias[e] : probs[e];
                    if (score > a) { b = a; a = score; } else if (score > b) b = score;
                }
                s.groupScore[g] = a + b;
                s.groupOn[g] = false;
            }
            for (int u = 0; u < p.groupsUsed(); u++) {
                int best = -1;
                for (int g = 0; g < G; g++) if (!s.groupOn[g] && (best < 0 || s.groupScore[g] > s.groupScore[best])) best = g;
                s.groupOn[best] = true;
            }
        }
        // top-k by selection score (descending; the lower index first on ties), by repeated selection: k is small
        for (int k = 0; k < K; k++) {
            int best = -1;
            float bestScore = Float.NEGATIVE_INFINITY;
            for (int e = 0; e < E; e++) {
                if (G > 1 && !s.groupOn[e / perGroup]) continue;
                float score = bias != null ? probs[e] + bias[e] : probs[e];
                if (score > bestScore || best < 0) {
                    boolean taken = false;
                    for (int j = 0; j < k; j++) if (chosen[off + j] == e) { taken = true; break; }
                    if (!taken) { best = e; bestScore = score; }
                }
            }
            chosen[off + k] = best;
            weights[off + k] = probs[best];
        }
        if (p.normalize()) {
            float sum = 0;
            for (int k = 0; k < K; k++) sum += weights[off + k];
            sum = Math.max(sum, 6.103515625e-5f);
            for (int k = 0; k < K; k++) weights[off + k] /= sum;
        }
        if (p.scale() != 0f && p.scale() != 1f) for (int k = 0; k < K; k++) weights[off + k] *= p.scale();
    }
}
