package dev.hearth.model;

import dev.hearth.gguf.GgufFormatException;
import dev.hearth.gguf.Tensor;
import java.util.List;

/**
 * The architectures Hearth runs, keyed by {@code general.architecture}. Each is a short description of
 * how its layers are put together from the shared blocks ({@link Norm}, {@link Rope},
 * {@link SelfAttention}, {@link FeedForward}), with tensor names, metadata keys and semantics as
 * llama.cpp defines them (src/llama-arch.cpp, src/llama-model.cpp, src/models/*.cpp).
 */
final class Architecture {
    static final List<String> SUPPORTED = List.of("llama");

    private Architecture() {}

    static Model build(Weights w) {
        String arch = w.config().architecture();
        return switch (arch) {
            case "llama" -> llama(w);
            default -> throw new GgufFormatException(w.file().path() + ": architecture '" + arch + "' is not supported (supported: "
                    + String.join(", ", SUPPORTED) + ")");
        };
    }

    /** Llama (src/models/llama.cpp): RMSNorm, normal RoPE with optional rope_freqs, optional attention biases, SwiGLU. */
    private static Model llama(Weights w) {
        ModelConfig c = w.config();
        Rope rope = new Rope(c.ropeDim(), c.ropeBase(), c.ropeScale(), w.vector("rope_freqs.weight", c.ropeDim() / 2, false), false);
        SelfAttention.Options attn = SelfAttention.Options.standard(c);
        Layer[] layers = new Layer[c.layers()];
        for (int i = 0; i < c.layers(); i++) {
            String p = "blk." + i + ".";
            if (w.has(p + "ffn_gate_inp.weight"))
                throw new GgufFormatException(w.file().path() + ": mixture-of-experts Llama models are not supported yet");
            layers[i] = new Layer(w.rmsNorm(p + "attn_norm"), SelfAttention.load(w, i, rope, attn), null,
                    w.rmsNorm(p + "ffn_norm"), FeedForward.load(w, i, FeedForward.Kind.SWIGLU), null);
        }
        return standardModel(w, layers, w.rmsNorm("output_norm"));
    }

    /** token_embd, the layers, the output norm, and output.weight or, without one, the embedding (tied). */
    private static Model standardModel(Weights w, Layer[] layers, Norm outputNorm) {
        ModelConfig c = w.config();
        Tensor embd = w.matrix("token_embd.weight", c.embd(), c.vocab());
        Tensor output = w.has("output.weight") ? w.matrix("output.weight", c.embd(), c.vocab()) : embd;
        return new Model(c, embd, 0f, layers, outputNorm, output, 0f);
    }
}
