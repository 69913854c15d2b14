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
    static final List<String> SUPPORTED = List.of("llama", "deepseek2");

    private Architecture() {}

    static Model build(Weights w) {
        String arch = w.config().architecture();
        return switch (arch) {
            case "llama" -> llama(w);
            case "deepseek2" -> deepseek2(w);
            default -> throw new GgufFormatException(w.file().path() + ": architecture '" + arch + "' is not supported (supported: "
                    + String.join(", ", SUPPORTED) + ")");
        };
    }

    /** Llama (src/models/llama.cpp): RMSNorm, normal RoPE with optional rope_freqs, optional attention biases, SwiGLU. */
    private static Model llama(Weights w) {
        ModelConfig c = w.config();
        Rope rope = new Rope(c.ropeDim(), c.ropeBase(), c.ropeScale(), w.vector("rope_freqs.weight", c.ropeDim() / 2, false), false);
        SelfAttention.Options attn = SelfAttention.Options.standard(c);
        // Mixtral: with expert_count, every layer's FFN is a mixture of experts chosen by softmax, their weights
        // renormalized (build_moe_ffn(..., norm_w = true, expert_weights_scale, SOFTMAX))
        MoeFfn.Params moe = null;
        int experts = w.file().getInt("llama.expert_count", 0);
        if (experts > 0) {
            int used = w.file().getInt("llama.expert_used_count", 0);
            if (used <= 0 || used > experts)
                throw new GgufFormatException(w.file().path() + ": llama.expert_used_count " + used + " must be in 1.." + experts);
            moe = new MoeFfn.Params(experts, used, c.ffn(), true, w.file().getFloat("llama.expert_weights_scale", 0f), MoeFfn.Gating.SOFTMAX);
        }
        Layer[] layers = new Layer[c.layers()];
        for (int i = 0; i < c.layers(); i++) {
            String p = "blk." + i + ".";
            if (moe == null && w.has(p + "ffn_gate_inp.weight"))
                throw new GgufFormatException(w.file().path() + ": tensor '" + p + "ffn_gate_inp.weight' but no llama.expert_count");
            Block ffn = moe != null ? MoeFfn.load(w, i, moe, null) : FeedForward.load(w, i, FeedForward.Kind.SWIGLU);
            layers[i] = new Layer(w.rmsNorm(p + "attn_norm"), SelfAttention.load(w, i, rope, attn), null,
                    w.rmsNorm(p + "ffn_norm"), ffn, null);
        }
        return standardModel(w, layers, w.rmsNorm("output_norm"));
    }

    /**
     * DeepSeek-V2 (src/models/deepseek2.cpp): RMSNorm; multi-head latent attention ({@link LatentAttention})
     * with YaRN RoPE; the first {@code leading_dense_block_count} layers a dense SwiGLU, the others a mixture of
     * experts (gating {@code expert_gating_func}, default softmax; {@code expert_weights_norm};
     * {@code expert_weights_scale}; optional selection bias) plus {@code expert_shared_count} shared experts.
     */
    private static Model deepseek2(Weights w) {
        ModelConfig c = w.config();
        var f = w.file();
        String a = "deepseek2.";
        int vocab = c.vocab();
        // llama.cpp reads q_lora_rank only for non-Lite models (27 or 26 layers, or 48 with a 128256 vocabulary)
        int qRank = f.getInt(a + "attention.q_lora_rank", 0);
        int rank = positive(w, a + "attention.kv_lora_rank");
        boolean absorbed = f.has(a + "attention.key_length_mla");
        int qk = absorbed ? positive(w, a + "attention.key_length_mla") : c.headDimK();
        int v = absorbed ? positive(w, a + "attention.value_length_mla") : c.headDimV();
        int ropeDims = c.ropeDim();
        if (qk <= ropeDims) throw new GgufFormatException(f.path() + ": key length " + qk + " leaves no room beside rope dims " + ropeDims);
        LatentAttention.Dims d = new LatentAttention.Dims(c.heads(), qk - ropeDims, ropeDims, v, rank);
        if (absorbed ? c.headsKv() != 1 || c.headDimK() != rank + ropeDims || c.headDimV() != rank
                     : c.headsKv() != c.heads() || c.headDimK() != qk)
            throw new GgufFormatException(f.path() + ": deepseek2 attention metadata is inconsistent (head_count_kv " + c.headsKv()
                    + ", key_length " + c.headDimK() + ", value_length " + c.headDimV() + ", kv_lora_rank " + rank + ")");

        // YaRN as llama.cpp sets it up (llama-context.cpp): extrapolation mix 1, betas 32 and 1, and an attention
        // factor that deepseek2.cpp then undoes and re-applies through the score scale
        String scaling = f.getString(a + "rope.scaling.type", "none");
        float freqScale = scaling.equals("none") ? 1f : c.ropeScale();
        float logMul = f.getFloat(a + "rope.scaling.yarn_log_multiplier", 0f) / 0.1f; // the converter wrote 0.1 * mscale_all_dim
        boolean yarn = scaling.equals("yarn");
        float attnFactor = 1f;
        if (yarn) {
            float factor = 1f / freqScale;
            if (logMul != 0f) {
                float mscale = logMul != 1f ? logMul : 1f; // deepseek2: mscale = mscale_all_dim
                attnFactor = yarnGetMscale(factor, mscale) / yarnGetMscale(factor, logMul);
            } else {
                attnFactor = yarnGetMscale(factor, 1f);
            }
            attnFactor *= 1f / (1f + 0.1f * (float) Math.log(factor));
        }
        attnFactor *= f.getFloat(a + "rope.scaling.attn_factor", 1f);
        int ctxOrig = f.getInt(a + "rope.scaling.original_context_length", c.contextTrain());
        Rope rope = Rope.yarn(ropeDims, c.ropeBase(), freqScale, yarn ? 1f : 0f, attnFactor, 32f, 1f, ctxOrig, false);
        float scale = LatentAttention.scale(attnFactor, freqScale, logMul, qk);

        int dense = f.getInt(a + "leading_dense_block_count", 0);
        int experts = f.getInt(a + "expert_count", 0), used = f.getInt(a + "expert_used_count", 0);
        int expertFfn = f.getInt(a + "expert_feed_forward_length", 0), shared = f.getInt(a + "expert_shared_count", 0);
        MoeFfn.Params moe = null;
        if (dense < c.layers()) {
            if (experts <= 0 || used <= 0 || used > experts || expertFfn <= 0)
                throw new GgufFormatException(f.path() + ": deepseek2 expert metadata missing or inconsistent (expert_count " + experts
                        + ", expert_used_count " + used + ", expert_feed_forward_length " + expertFfn + ")");
            if (shared * expertFfn > c.ffn())
                throw new GgufFormatException(f.path() + ": shared experts (" + shared + " x " + expertFfn + ") wider than feed_forward_length " + c.ffn());
            MoeFfn.Gating gating;
            try {
                gating = MoeFfn.Gating.of(f.getInt(a + "expert_gating_func", 0), MoeFfn.Gating.SOFTMAX);
            } catch (IllegalArgumentException e) {
                throw new GgufFormatException(f.path() + ": " + e.getMessage());
            }
            moe = new MoeFfn.Params(experts, used, expertFfn, f.getBool(a + "expert_weights_norm", false),
                    f.getFloat(a + "expert_weights_scale", 0f), gating);
        }
        Layer[] layers = new Layer[c.layers()];
        for (int i = 0; i < c.layers(); i++) {
            String p = "blk." + i + ".";
            Block ffn;
            if (i < dense) {
                ffn = FeedForward.load(w, i, FeedForward.Kind.SWIGLU);
            } else {
                int sf = shared * expertFfn;
                FeedForward sh = shared == 0 ? null : new FeedForward(c, FeedForward.Kind.SWIGLU,
                        w.matrix(p + "ffn_gate_shexp.weight", c.embd(), sf), w.matrix(p + "ffn_up_shexp.weight", c.embd(), sf),
                        w.matrix(p + "ffn_down_shexp.weight", sf, c.embd()), null, null, null);
                ffn = MoeFfn.load(w, i, moe, sh);
            }
            layers[i] = new Layer(w.rmsNorm(p + "attn_norm"), LatentAttention.load(w, i, d, qRank, absorbed, rope, scale), null,
                    w.rmsNorm(p + "ffn_norm"), ffn, null);
        }
        return standardModel(w, layers, w.rmsNorm("output_norm"));
    }

    /** llama-context.cpp's get_mscale: 1 + 0.1 · mscale · ln(scale) above scale 1. */
    private static float yarnGetMscale(float scale, float mscale) {
        return scale <= 1f ? 1f : 0.1f * mscale * (float) Math.log(scale) + 1f;
    }

    private static int positive(Weights w, String key) {
        int v = w.file().getInt(key, 0);
        if (v <= 0) throw new GgufFormatException(w.file().path() + ": metadata '" + key + "' missing or not positive");
        return v;
    }

    /** token_embd, the layers, the output norm, and output.weight or, without one, the embedding (tied). */
    private static Model standardModel(Weights w, Layer[] layers, Norm outputNorm) {
        ModelConfig c = w.config();
        Tensor embd = w.matrix("token_embd.weight", c.embd(), c.vocab());
        Tensor output = w.has("output.weight") ? w.matrix("output.weight", c.embd(), c.vocab()) : embd;
        return new Model(c, embd, 0f, layers, outputNorm, output, 0f);
    }
}
