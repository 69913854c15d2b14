package dev.hearth.model;

import dev.hearth.gguf.GgufFile;
import dev.hearth.gguf.GgufFormatException;
import dev.hearth.gguf.Tensor;
import dev.hearth.tensor.ComputePool;
import dev.hearth.tensor.EncodedRows;
import dev.hearth.tensor.FloatOps;
import dev.hearth.tensor.GgmlType;
import dev.hearth.tensor.MatMul;
import dev.hearth.tensor.TypeOps;
import java.util.Arrays;

/**
 * The Llama transformer (llama.cpp's {@code LLM_ARCH_LLAMA}): token embedding, then per layer
 * RMSNorm → Q/K/V projections (optional biases) → RoPE → grouped-query attention over the KV cache
 * → output projection → residual; RMSNorm → SwiGLU feed-forward → residual; final RMSNorm and the
 * output projection (tied to the embedding when the file has no {@code output.weight}).
 *
 * <p>Tensor names are llama.cpp's ({@code token_embd.weight}, {@code blk.N.attn_q.weight}, …).
 * The weights are views on the mapped file; nothing is copied except the small norm vectors.
 */
public final class LlamaModel {
    /** One transformer block's weights. Bias tensors are null when the file has none. */
    record Layer(float[] attnNorm, Tensor wq, Tensor wk, Tensor wv, Tensor wo,
                 float[] bq, float[] bk, float[] bv, float[] bo,
                 float[] ffnNorm, Tensor gate, Tensor up, Tensor down, MoeFfn.Weights moe) {}

    final ModelConfig config;
    final Tensor tokenEmbd;
    final Layer[] layers;
    final float[] outputNorm;
    final Tensor output;
    final Rope rope;
    final MoeFfn.Params moe; // null for a dense model

    private LlamaModel(ModelConfig config, Tensor tokenEmbd, Layer[] layers, float[] outputNorm, Tensor output, Rope rope, MoeFfn.Params moe) {
        this.config = config;
        this.tokenEmbd = tokenEmbd;
        this.layers = layers;
        this.outputNorm = outputNorm;
        this.output = output;
        this.rope = rope;
        this.moe = moe;
    }

    public static LlamaModel load(GgufFile f) {
        ModelConfig c = ModelConfig.read(f);
        if (!c.architecture().equals("llama"))
            throw new GgufFormatException(f.path() + ": architecture '" + c.architecture() + "' is not supported (supported: llama)");
        Tensor embd = matrix(f, "token_embd.weight", c.embd(), c.vocab());
        // Mixtral: every layer's FFN is a mixture of experts, chosen by softmax, weights renormalized
        // (src/models/llama.cpp: build_moe_ffn(..., norm_w = true, expert_weights_scale, SOFTMAX))
        MoeFfn.Params moe = null;
        int experts = f.getInt("llama.expert_count", 0);
        if (experts > 0) {
            int used = f.getInt("llama.expert_used_count", 0);
            if (used <= 0 || used > experts)
                throw new GgufFormatException(f.path() + ": llama.expert_used_count " + used + " must be in 1.." + experts);
            moe = new MoeFfn.Params(experts, used, c.ffn(), true, f.getFloat("llama.expert_weights_scale", 0f), MoeFfn.Gating.SOFTMAX);
        }
        Layer[] layers = new Layer[c.layers()];
        for (int i = 0; i < c.layers(); i++) {
            String p = "blk." + i + ".";
            boolean dense = moe == null;
            if (dense && f.tensor(p + "ffn_gate_inp.weight") != null)
                throw new GgufFormatException(f.path() + ": tensor '" + p + "ffn_gate_inp.weight' but no llama.expert_count");
            layers[i] = new Layer(
                    vector(f, p + "attn_norm.weight", c.embd(), true),
                    matrix(f, p + "attn_q.weight", c.embd(), c.qDim()),
                    matrix(f, p + "attn_k.weight", c.embd(), c.kvDimK()),
                    matrix(f, p + "attn_v.weight", c.embd(), c.kvDimV()),
                    matrix(f, p + "attn_output.weight", c.heads() * c.headDimV(), c.embd()),
                    vector(f, p + "attn_q.bias", c.qDim(), false),
                    vector(f, p + "attn_k.bias", c.kvDimK(), false),
                    vector(f, p + "attn_v.bias", c.kvDimV(), false),
                    vector(f, p + "attn_output.bias", c.embd(), false),
                    vector(f, p + "ffn_norm.weight", c.embd(), true),
                    dense ? matrix(f, p + "ffn_gate.weight", c.embd(), c.ffn()) : null,
                    dense ? matrix(f, p + "ffn_up.weight", c.embd(), c.ffn()) : null,
                    dense ? matrix(f, p + "ffn_down.weight", c.ffn(), c.embd()) : null,
                    dense ? null : moeWeights(f, p, c.embd(), moe, null));
        }
        float[] outNorm = vector(f, "output_norm.weight", c.embd(), true);
        Tensor output = f.tensor("output.weight") != null ? matrix(f, "output.weight", c.embd(), c.vocab()) : embd;
        float[] freqs = vector(f, "rope_freqs.weight", c.ropeDim() / 2, false);
        Rope rope = new Rope(c.ropeDim(), c.ropeBase(), c.ropeScale(), freqs, false);
        return new LlamaModel(c, embd, layers, outNorm, output, rope, moe);
    }

    /** A layer's router and stacked experts ({@code ffn_gate_inp}, {@code ffn_{gate,up,down}_exps}), checked against the config. */
    static MoeFfn.Weights moeWeights(GgufFile f, String p, int embd, MoeFfn.Params m, float[] selectionBias) {
        Tensor router = matrix(f, p + "ffn_gate_inp.weight", embd, m.experts());
        return new MoeFfn.Weights(router, selectionBias,
                MoeFfn.experts(stacked(f, p + "ffn_gate_exps.weight", embd, m.ffn(), m.experts())),
                MoeFfn.experts(stacked(f, p + "ffn_up_exps.weight", embd, m.ffn(), m.experts())),
                MoeFfn.experts(stacked(f, p + "ffn_down_exps.weight", m.ffn(), embd, m.experts())));
    }

    private static Tensor stacked(GgufFile f, String name, int cols, int rows, int n) {
        Tensor t = f.requireTensor(name);
        if (t.shape().length != 3 || t.shape()[0] != cols || t.shape()[1] != rows || t.shape()[2] != n)
            throw new GgufFormatException(f.path() + ": tensor '" + name + "' has shape " + java.util.Arrays.toString(t.shape())
                    + ", expected [" + cols + ", " + rows + ", " + n + "]");
        supported(f, t);
        return t;
    }

    static Tensor matrix(GgufFile f, String name, int cols, int rows) {
        Tensor t = f.requireTensor(name);
        if (t.shape().length != 2 || t.shape()[0] != cols || t.shape()[1] != rows)
            throw new GgufFormatException(f.path() + ": tensor '" + name + "' has shape " + java.util.Arrays.toString(t.shape())
                    + ", expected [" + cols + ", " + rows + "]");
        supported(f, t);
        return t;
    }

    static float[] vector(GgufFile f, String name, int n, boolean required) {
        Tensor t = required ? f.requireTensor(name) : f.tensor(name);
        if (t == null) return null;
        if (t.elementCount() != n)
            throw new GgufFormatException(f.path() + ": tensor '" + name + "' has " + t.elementCount() + " elements, expected " + n);
        float[] v = new float[n];
        supported(f, t).dequantize(t.data(), 0, v, 0, n);
        return v;
    }

    /** The tensor's kernels; an unsupported type fails here, at load, not at the first token. */
    private static TypeOps supported(GgufFile f, Tensor t) {
        try {
            return TypeOps.of(t.type());
        } catch (IllegalArgumentException e) {
            throw new GgufFormatException(f.path() + ": tensor '" + t.name() + "' has type " + t.type() + ", which Hearth cannot compute with yet");
        }
    }

    public ModelConfig config() {
        return config;
    }

    /**
     * Runs the tokens of one step through the model: stores each token's keys and values in its cache
     * at its position, and writes the logits of the tokens listed in {@code b.logitRows()} to
     * {@code ws.logits} (row-major, vocab per row, in that order).
     */
    void forward(ComputePool pool, Workspace ws, Batch b) {
        ModelConfig c = config;
        int n = b.size();
        int E = c.embd();
        float[] x = ws.x, xb = ws.xb, q = ws.q, k = ws.k, v = ws.v, att = ws.att, gate = ws.gate, up = ws.up;
        EncodedRows enc = ws.enc;

        for (int t = 0; t < n; t++) MatMul.row(tokenEmbd, b.tokens()[t], x, t * E);

        for (int l = 0; l < c.layers(); l++) {
            Layer L = layers[l];
            // attention
            for (int t = 0; t < n; t++) FloatOps.rmsNorm(xb, t * E, x, t * E, L.attnNorm, E, c.normEps());
            project(pool, enc, xb, n, E, new Tensor[] {L.wq, L.wk, L.wv}, new float[][] {L.bq, L.bk, L.bv}, new float[][] {q, k, v});
            for (int t = 0; t < n; t++) {
                rope.angles(b.positions()[t], ws.cos, ws.sin);
                rope.rotate(q, t * c.qDim(), c.heads(), c.headDimK(), ws.cos, ws.sin);
                rope.rotate(k, t * c.kvDimK(), c.headsKv(), c.headDimK(), ws.cos, ws.sin);
                b.caches()[t].store(l, b.positions()[t], k, t * c.kvDimK(), v, t * c.kvDimV());
            }
            Attention.attend(c, pool, ws, b, l, q, att);
            project(pool, enc, att, n, c.heads() * c.headDimV(), new Tensor[] {L.wo}, new float[][] {L.bo}, new float[][] {xb});
            for (int t = 0; t < n; t++) FloatOps.add(x, t * E, xb, t * E, E);

            // feed-forward
            for (int t = 0; t < n; t++) FloatOps.rmsNorm(xb, t * E, x, t * E, L.ffnNorm, E, c.normEps());
            if (L.moe != null) {
                if (ws.moe == null) ws.moe = new MoeFfn.Scratch(moe, E, ws.maxBatch);
                MoeFfn.forward(pool, ws.moe, moe, L.moe, xb, n, E, xb);
            } else {
                project(pool, enc, xb, n, E, new Tensor[] {L.gate, L.up}, new float[][] {null, null}, new float[][] {gate, up});
                for (int t = 0; t < n; t++) FloatOps.swiglu(gate, t * c.ffn(), up, t * c.ffn(), c.ffn());
                project(pool, enc, gate, n, c.ffn(), new Tensor[] {L.down}, new float[][] {null}, new float[][] {xb});
            }
            for (int t = 0; t < n; t++) FloatOps.add(x, t * E, xb, t * E, E);
        }

        int rows = b.logitRows().length;
        if (rows == 0) return;
        for (int i = 0; i < rows; i++) FloatOps.rmsNorm(xb, i * E, x, b.logitRows()[i] * E, outputNorm, E, c.normEps());
        enc.encode(pool, TypeOps.of(output.type()).dotType(), xb, rows, E);
        MatMul.multiply(pool, output, enc, ws.logits(rows, c.vocab()), 0, c.vocab());
    }

    /**
     * outs[i] = ws[i] · in (+ biases[i]) for {@code n} rows of {@code inDim}: the input is encoded once for
     * the weights' dot type, and matrices that share it (Q/K/V, gate/up) run in one dispatch.
     */
    private static void project(ComputePool pool, EncodedRows enc, float[] in, int n, int inDim,
                                Tensor[] ws, float[][] biases, float[][] outs) {
        int i = 0;
        while (i < ws.length) {
            GgmlType dotType = TypeOps.of(ws[i].type()).dotType();
            int j = i + 1;
            while (j < ws.length && TypeOps.of(ws[j].type()).dotType() == dotType) j++;
            if (enc.type() != dotType || i == 0) enc.encode(pool, dotType, in, n, inDim);
            int[] offsets = new int[j - i], ldys = new int[j - i];
            for (int m = i; m < j; m++) ldys[m - i] = ws[m].rowCount();
            MatMul.multiply(pool, Arrays.copyOfRange(ws, i, j), enc, Arrays.copyOfRange(outs, i, j), offsets, ldys);
            i = j;
        }
        for (int m = 0; m < ws.length; m++) {
            if (biases[m] == null) continue;
            int outDim = ws[m].rowCount();
            for (int t = 0; t < n; t++) FloatOps.add(outs[m], t * outDim, biases[m], 0, outDim);
        }
    }
}
