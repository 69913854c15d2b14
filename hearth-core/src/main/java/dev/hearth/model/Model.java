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
    final float[] outputBias; // null: none
    final float finalSoftcap; // 0: none
    float residualScale;      // 0: none; else every block's output is multiplied by it before the residual add (Granite)
    float logitMul;           // 0: none; else the logits are multiplied by it (Granite: 1 / logit_scale, Command-R: logit_scale)

    Model(ModelConfig config, Tensor tokenEmbd, float embdScale, Layer[] layers, Norm outputNorm, Tensor output, float[] outputBias,
          float finalSoftcap) {
        this.config = config;
        this.tokenEmbd = tokenEmbd;
        this.embdScale = embdScale;
        this.layers = layers;
        this.outputNorm = outputNorm;
        this.output = output;
        this.outputBias = outputBias;
        this.finalSoftcap = finalSoftcap;
    }

    /** Reads the config and the weights; an architecture Hearth does not run is an error naming it. */
    public static Model load(GgufFile f) {
        return Architecture.build(new Weights(f, ModelConfig.read(f)));
    }

    public ModelConfig config() {
        return config;
    }

    /** Each layer's sliding attention window (0: the layer sees every position), for the KV cache to size itself. */
    int[] slidingWindows() {
        int[] w = new int[layers.length];
        for (int i = 0; i < layers.length; i++) if (layers[i].attn() instanceof SelfAttention a) w[i] = a.window();
        return w;
    }

    /**
     * The hyper-parameters as Hearth runs them, for {@code hearth inspect}: one entry per property, layers
     * that differ (Gemma-2's sliding-window layers) listed with their layer numbers.
     */
    public java.util.Map<String, String> describe() {
        ModelConfig c = config;
        var d = new java.util.LinkedHashMap<String, String>();
        d.put("architecture", c.architecture());
        d.put("layers", String.valueOf(c.layers()));
        d.put("embedding", c.embd() + (embdScale != 0f ? ", scaled by " + embdScale : ""));
        d.put("vocabulary", String.valueOf(c.vocab()));
        d.put("trained context", String.valueOf(c.contextTrain()));
        Layer l0 = layers[0];
        d.put("norm", l0.parallel() ? l0.attnNorm().describe() + "; attention and FFN in parallel on its output"
                : l0.attnNorm() != null ? l0.attnNorm().describe() + (l0.attnPostNorm() != null ? "; post-attention and post-FFN norms" : "")
                : "post-attention and post-FFN norms only: " + l0.attnPostNorm().describe());
        group(d, "attention", l -> l.attn().describe());
        group(d, "feed-forward", l -> l.ffn().describe());
        d.put("output", (output == tokenEmbd ? "tied to the embedding" : "own matrix") + (outputBias != null ? ", bias" : "")
                + (logitMul != 0f ? ", logits multiplied by " + logitMul : "")
                + (finalSoftcap != 0f ? ", logits soft-capped at " + finalSoftcap : ""));
        if (residualScale != 0f) d.put("residual scale", String.valueOf(residualScale));
        return d;
    }

    /** key = value when every layer agrees, else "key (layers a,b,…)" per distinct value. */
    private void group(java.util.Map<String, String> d, String key, java.util.function.Function<Layer, String> f) {
        var byValue = new java.util.LinkedHashMap<String, java.util.List<Integer>>();
        for (int i = 0; i < layers.length; i++) byValue.computeIfAbsent(f.apply(layers[i]), v -> new java.util.ArrayList<>()).add(i);
        if (byValue.size() == 1) d.put(key, byValue.keySet().iterator().next());
        else byValue.forEach((v, ls) -> d.put(key + " (layers " + ranges(ls) + ")", v));
    }

    private static String ranges(java.util.List<Integer> ls) {
        if (ls.size() > 6) return ls.get(0) + "," + ls.get(1) + ",…," + ls.get(ls.size() - 1);
        return ls.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(","));
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
        enc.tokenwise(b.tokenwise());

        for (int t = 0; t < n; t++) {
            MatMul.row(tokenEmbd, b.tokens()[t], x, t * E);
            if (embdScale != 0f) for (int i = 0; i < E; i++) x[t * E + i] *= embdScale;
        }

        for (int l = 0; l < c.layers(); l++) {
            Layer L = layers[l];
            if (L.parallel()) {
                parallel(pool, ws, b, l, L);
                continue;
            }
            residual(pool, ws, b, l, L.attnNorm(), L.attn(), L.attnPostNorm(), residualScale);
            residual(pool, ws, b, l, L.ffnNorm(), L.ffn(), L.ffnPostNorm(), residualScale);
        }

        int rows = b.logitRows().length;
        if (rows == 0) return;
        for (int i = 0; i < rows; i++) outputNorm.apply(xb, i * E, x, b.logitRows()[i] * E, E);
        enc.encodeWithReference(pool, TypeOps.of(output.type()).dotType(), xb, rows, E);
        float[] logits = ws.logits(rows, c.vocab());
        MatMul.multiply(pool, output, enc, logits, 0, c.vocab());
        if (outputBias != null) for (int i = 0; i < rows; i++) FloatOps.add(logits, i * c.vocab(), outputBias, 0, c.vocab());
        if (logitMul != 0f) for (int i = 0, end = rows * c.vocab(); i < end; i++) logits[i] *= logitMul;
        if (finalSoftcap != 0f) softcap(logits, rows * c.vocab(), finalSoftcap);
    }

    /** x += post(block(pre(x))) (× scale, when not 0) for every token of the batch. */
    private static void residual(ComputePool pool, Workspace ws, Batch b, int layer, Norm pre, Block block, Norm post, float scale) {
        int n = b.size(), E = ws.embd;
        float[] x = ws.x, xb = ws.xb;
        // a one-token step does its rows itself (no hand-off, and no lambda allocated per layer)
        if (pre == null) System.arraycopy(x, 0, xb, 0, n * E); // no pre-norm (OLMo-2)
        else if (n == 1) pre.apply(xb, 0, x, 0, E);
        else TokenRows.each(pool, n, E, t -> pre.apply(xb, t * E, x, t * E, E));
        block.forward(pool, ws, b, layer, xb);
        if (post != null) for (int t = 0; t < n; t++) post.apply(xb, t * E, xb, t * E, E);
        if (scale != 0f) for (int i = 0, end = n * E; i < end; i++) xb[i] *= scale;
        if (n == 1) FloatOps.add(x, 0, xb, 0, E);
        else TokenRows.each(pool, n, E, t -> FloatOps.add(x, t * E, xb, t * E, E));
    }

    /** x = (ffn(norm(x)) + x) + attn(norm(x)), the additions in llama.cpp's order (command-r.cpp). */
    private static void parallel(ComputePool pool, Workspace ws, Batch b, int layer, Layer L) {
        int n = b.size(), E = ws.embd;
        float[] x = ws.x, xb = ws.xb;
        if (ws.xb2 == null) ws.xb2 = new float[xb.length];
        float[] xb2 = ws.xb2;
        for (int t = 0; t < n; t++) L.attnNorm().apply(xb, t * E, x, t * E, E);
        System.arraycopy(xb, 0, xb2, 0, n * E);
        L.attn().forward(pool, ws, b, layer, xb);
        L.ffn().forward(pool, ws, b, layer, xb2);
        for (int i = 0, end = n * E; i < end; i++) x[i] = (xb2[i] + x[i]) + xb[i];
    }

    /** v = cap · tanh(v / cap), as llama.cpp's scale → tanh → scale. */
    static void softcap(float[] v, int n, float cap) {
        for (int i = 0; i < n; i++) v[i] = (float) Math.tanh(v[i] * (1f / cap)) * cap;
    }
}
