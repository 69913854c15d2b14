package dev.hearth.model;

import dev.hearth.gguf.GgufFile;
import dev.hearth.gguf.Tensor;
import dev.hearth.tensor.ComputePool;
import dev.hearth.tensor.EncodedRows;
import dev.hearth.tensor.FloatOps;
import dev.hearth.tensor.MatMul;
import dev.hearth.tensor.TypeOps;

/**
 * A decoder-only transformer: token embedding (optionally scaled), then per layer
 * {@code x += post(attn(norm(x)))} and {@code x += post(ffn(norm(x)))}, then the output norm, the
 * output projection and an optional final logit soft-cap. What the blocks are is the architecture's
 * business ({@link Architecture}); this class only runs them.
 *
 * <p>The weights are views on the mapped file; nothing is copied except small vectors (norms, biases).
 */
public final class Model {
    final ModelConfig config;
    final Tensor tokenEmbd;
    final float embdScale;   // 0: none
    final Layer[] layers;
    final Norm outputNorm;
    final Tensor output;
    final float finalSoftcap; // 0: none

    Model(ModelConfig config, Tensor tokenEmbd, float embdScale, Layer[] layers, Norm outputNorm, Tensor output, float finalSoftcap) {
        this.config = config;
        this.tokenEmbd = tokenEmbd;
        this.embdScale = embdScale;
        this.layers = layers;
        this.outputNorm = outputNorm;
        this.output = output;
        this.finalSoftcap = finalSoftcap;
    }

    /** Reads the config and the weights; an architecture Hearth does not run is an error naming it. */
    public static Model load(GgufFile f) {
        return Architecture.build(new Weights(f, ModelConfig.read(f)));
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
        float[] x = ws.x, xb = ws.xb;
        EncodedRows enc = ws.enc;

        for (int t = 0; t < n; t++) {
            MatMul.row(tokenEmbd, b.tokens()[t], x, t * E);
            if (embdScale != 0f) for (int i = 0; i < E; i++) x[t * E + i] *= embdScale;
        }

        for (int l = 0; l < c.layers(); l++) {
            Layer L = layers[l];
            residual(pool, ws, b, l, L.attnNorm(), L.attn(), L.attnPostNorm());
            residual(pool, ws, b, l, L.ffnNorm(), L.ffn(), L.ffnPostNorm());
        }

        int rows = b.logitRows().length;
        if (rows == 0) return;
        for (int i = 0; i < rows; i++) outputNorm.apply(xb, i * E, x, b.logitRows()[i] * E, E);
        enc.encode(pool, TypeOps.of(output.type()).dotType(), xb, rows, E);
        float[] logits = ws.logits(rows, c.vocab());
        MatMul.multiply(pool, output, enc, logits, 0, c.vocab());
        if (finalSoftcap != 0f) softcap(logits, rows * c.vocab(), finalSoftcap);
    }

    /** x += post(block(pre(x))) for every token of the batch. */
    private static void residual(ComputePool pool, Workspace ws, Batch b, int layer, Norm pre, Block block, Norm post) {
        int n = b.size(), E = ws.embd;
        float[] x = ws.x, xb = ws.xb;
        for (int t = 0; t < n; t++) pre.apply(xb, t * E, x, t * E, E);
        block.forward(pool, ws, b, layer, xb);
        if (post != null) for (int t = 0; t < n; t++) post.apply(xb, t * E, xb, t * E, E);
        for (int t = 0; t < n; t++) FloatOps.add(x, t * E, xb, t * E, E);
    }

    /** v = cap · tanh(v / cap), as llama.cpp's scale → tanh → scale. */
    static void softcap(float[] v, int n, float cap) {
        for (int i = 0; i < n; i++) v[i] = (float) Math.tanh(v[i] * (1f / cap)) * cap;
    }
}
