package dev.hearth.model;

import dev.hearth.gguf.Tensor;
import dev.hearth.tensor.ComputePool;
import dev.hearth.tensor.FloatOps;

/**
 * A dense feed-forward network: down(act(gate·x) * (up·x)) for the gated kinds, down(act(up·x)) for the
 * plain one; every projection may have a bias (llama.cpp's build_ffn: up, gate, activation, down).
 */
final class FeedForward implements Block {
    enum Kind {
        /** silu(gate) * up (Llama, Qwen2, Phi-3, …) */
        SWIGLU,
        /** gelu(gate) * up, tanh approximation (Gemma) */
        GEGLU,
        /** gelu(up), no gate (StarCoder2) */
        GELU;

        boolean gated() {
            return this != GELU;
        }
    }

    private final ModelConfig c;
    private final Kind kind;
    private final Tensor[] first;      // {gate, up} or {up}
    private final float[][] firstBias;
    private final Tensor[] down;
    private final float[][] downBias;

    FeedForward(ModelConfig c, Kind kind, Tensor gate, Tensor up, Tensor down, float[] gateBias, float[] upBias, float[] downBias) {
        this.c = c;
        this.kind = kind;
        this.first = kind.gated() ? new Tensor[] {gate, up} : new Tensor[] {up};
        this.firstBias = kind.gated() ? new float[][] {gateBias, upBias} : new float[][] {upBias};
        this.down = new Tensor[] {down};
        this.downBias = new float[][] {downBias};
    }

    /**
     * The tensors of layer {@code i}: ffn_gate (gated kinds), ffn_up, ffn_down, each with an optional bias. A
     * gated FFN without ffn_gate has them fused in ffn_up (2×ffn rows, Phi-3): its rows are viewed as gate
     * then up, the halves ggml_swiglu splits a fused row into.
     */
    static FeedForward load(Weights w, int i, Kind kind) {
        ModelConfig c = w.config();
        String p = "blk." + i + ".";
        int E = c.embd(), F = c.ffn();
        Tensor gate = null, up;
        if (kind.gated() && !w.has(p + "ffn_gate.weight")) {
            Tensor fused = w.matrix(p + "ffn_up.weight", E, 2 * F);
            gate = Weights.rows(fused, 0, F);
            up = Weights.rows(fused, F, F);
        } else {
            if (kind.gated()) gate = w.matrix(p + "ffn_gate.weight", E, F);
            up = w.matrix(p + "ffn_up.weight", E, F);
        }
        return new FeedForward(c, kind, gate, up, w.matrix(p + "ffn_down.weight", F, E),
                kind.gated() ? w.vector(p + "ffn_gate.bias", F, false) : null,
                w.vector(p + "ffn_up.bias", F, false),
                w.vector(p + "ffn_down.bias", E, false));
    }

    @Override
    public String describe() {
        StringBuilder d = new StringBuilder(kind + ", " + first[0].rowCount());
        if (kind.gated() && first[0].name().endsWith("]")) d.append(", fused gate+up");
        boolean biases = downBias[0] != null;
        for (float[] b : firstBias) biases |= b != null;
        if (biases) d.append(", biases");
        return d.toString();
    }

    @Override
    public void forward(ComputePool pool, Workspace ws, Batch b, int layer, float[] io) {
        int n = b.size(), F = first[0].rowCount(); // c.ffn(), or a shared expert's own size
        float[] gate = ws.gate, up = ws.up;
        float[] act = kind.gated() ? gate : up;
        Linear.project(pool, ws.enc, io, n, c.embd(), first, firstBias, kind.gated() ? ws.gateUpOut : ws.upOut);
        switch (kind) {
            case SWIGLU -> {
                if (n == 1) FloatOps.swiglu(gate, 0, up, 0, F);
                else TokenRows.each(pool, n, F, t -> FloatOps.swiglu(gate, t * F, up, t * F, F));
            }
            case GEGLU -> {
                if (n == 1) FloatOps.geglu(gate, 0, up, 0, F);
                else TokenRows.each(pool, n, F, t -> FloatOps.geglu(gate, t * F, up, t * F, F));
            }
            case GELU -> FloatOps.gelu(up, 0, n * F);
        }
        Linear.project(pool, ws.enc, act, n, F, down[0], downBias[0], io);
    }
}
