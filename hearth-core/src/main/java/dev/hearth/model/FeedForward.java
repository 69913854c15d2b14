package dev.hearth.model;

import dev.hearth.gguf.Tensor;
import dev.hearth.tensor.ComputePool;
import dev.hearth.tensor.FloatOps;

/**
 * A dense feed-forward network: down(act(gate·x) * (up·x)) for the gated kinds, down(act(up·x)) for the
 * plain one; every projection may have a bias. A fused gate+up weight ({@code ffn_up} of 2×ffn rows,
 * Phi-3) is loaded as two row-range views: gate first, then up (ggml_swiglu splits a row that way).
 */
final class FeedForward implements Block {
    enum Kind {
        /** silu(gate) * up (Llama, Qwen2, Phi-3, …) */
        SWIGLU
    }

    private final ModelConfig c;
    private final Kind kind;
    private final Tensor[] gateUp;
    private final float[][] gateUpBias;
    private final Tensor[] down;
    private final float[][] downBias;

    FeedForward(ModelConfig c, Kind kind, Tensor gate, Tensor up, Tensor down, float[] gateBias, float[] upBias, float[] downBias) {
        this.c = c;
        this.kind = kind;
        this.gateUp = new Tensor[] {gate, up};
        this.gateUpBias = new float[][] {gateBias, upBias};
        this.down = new Tensor[] {down};
        this.downBias = new float[][] {downBias};
    }

    /** The usual tensors of layer {@code i}: ffn_gate, ffn_up, ffn_down, each with an optional bias. */
    static FeedForward load(Weights w, int i, Kind kind) {
        ModelConfig c = w.config();
        String p = "blk." + i + ".";
        return new FeedForward(c, kind,
                w.matrix(p + "ffn_gate.weight", c.embd(), c.ffn()),
                w.matrix(p + "ffn_up.weight", c.embd(), c.ffn()),
                w.matrix(p + "ffn_down.weight", c.ffn(), c.embd()),
                w.vector(p + "ffn_gate.bias", c.ffn(), false),
                w.vector(p + "ffn_up.bias", c.ffn(), false),
                w.vector(p + "ffn_down.bias", c.embd(), false));
    }

    @Override
    public void forward(ComputePool pool, Workspace ws, Batch b, int layer, float[] io) {
        int n = b.size(), F = c.ffn();
        float[] gate = ws.gate, up = ws.up;
        Linear.project(pool, ws.enc, io, n, c.embd(), gateUp, gateUpBias, new float[][] {gate, up});
        for (int t = 0; t < n; t++) FloatOps.swiglu(gate, t * F, up, t * F, F);
        Linear.project(pool, ws.enc, gate, n, F, down, downBias, new float[][] {io});
    }
}
