package dev.hearth.model;

import dev.hearth.gguf.GgufFormatException;
import dev.hearth.gguf.Tensor;
import java.util.List;

/**
 * The architectures Hearth runs, keyed by {@code general.architecture}. Each is a short description of
 * how its layers are put together from the shared blocks ({@link Norm}, {@link Rope},
 * {@link SelfAttention}, {@link FeedForward}), with tensor names, metadata keys and semantics as
 * llama.cpp defines them (src/llama-arch.cpp, src/llama-model.cpp, src/models/ARCH.cpp).
 */
final class Architecture {
    static final List<String> SUPPORTED = List.of("llama", "qwen2", "qwen3", "starcoder2", "phi3", "gemma", "gemma2", "gemma3", "granite", "olmo2", "command-r", "deepseek2");

    private Architecture() {}

    static Model build(Weights w) {
        String arch = w.config().architecture();
        return switch (arch) {
            case "llama" -> llama(w);
            case "qwen2" -> qwen2(w);
            case "qwen3" -> qwen3(w);
            case "starcoder2" -> starcoder2(w);
            case "phi3" -> phi3(w);
            case "gemma" -> gemma(w);
            case "gemma2" -> gemma2(w);
            case "gemma3" -> gemma3(w);
            case "granite" -> granite(w);
            case "olmo2" -> olmo2(w);
            case "command-r" -> commandR(w);
            case "deepseek2" -> deepseek2(w);
            default -> throw new GgufFormatException(w.file().path() + ": architecture '" + arch + "' is not supported (supported: "
                    + String.join(", ", SUPPORTED) + ")");
        };
    }

    /**
     * Llama (models/llama.cpp): RMSNorm, normal RoPE with optional rope_freqs (Llama-3.1), SwiGLU; optional
     * attention and FFN biases (Granite-Code), head size from key_length (Mistral-Nemo).
     */
    private static Model llama(Weights w) {
        ModelConfig c = w.config();
        Rope rope = rope(w, w.vector("rope_freqs.weight", c.ropeDim() / 2, false), false);
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
        return model(w, layers, w.rmsNorm("output_norm"), 0f, 0f);
    }

    /** Qwen2 (models/qwen2.cpp): Llama with Q/K/V biases and NEOX RoPE; tied output on the small sizes. */
    private static Model qwen2(Weights w) {
        ModelConfig c = w.config();
        Rope rope = rope(w, null, true);
        SelfAttention.Options attn = SelfAttention.Options.standard(c);
        Layer[] layers = new Layer[c.layers()];
        for (int i = 0; i < c.layers(); i++) {
            String p = "blk." + i + ".";
            layers[i] = new Layer(w.rmsNorm(p + "attn_norm"), SelfAttention.load(w, i, rope, attn), null,
                    w.rmsNorm(p + "ffn_norm"), FeedForward.load(w, i, FeedForward.Kind.SWIGLU), null);
        }
        return model(w, layers, w.rmsNorm("output_norm"), 0f, 0f);
    }

    /** Qwen3 (models/qwen3.cpp): Qwen2 without biases, Q and K RMS-normalized per head before RoPE; tied output on the small sizes. */
    private static Model qwen3(Weights w) {
        ModelConfig c = w.config();
        Rope rope = rope(w, null, true);
        SelfAttention.Options attn = SelfAttention.Options.standard(c);
        Layer[] layers = new Layer[c.layers()];
        for (int i = 0; i < c.layers(); i++) {
            String p = "blk." + i + ".";
            SelfAttention a = SelfAttention.load(w, i, rope, attn).withQkNorm(w.headNorm(p + "attn_q_norm"), w.headNorm(p + "attn_k_norm"));
            layers[i] = new Layer(w.rmsNorm(p + "attn_norm"), a, null,
                    w.rmsNorm(p + "ffn_norm"), FeedForward.load(w, i, FeedForward.Kind.SWIGLU), null);
        }
        return model(w, layers, w.rmsNorm("output_norm"), 0f, 0f);
    }

    /** StarCoder2 (models/starcoder2.cpp): LayerNorm with bias, biases on every projection, NEOX RoPE, plain GELU FFN. */
    private static Model starcoder2(Weights w) {
        ModelConfig c = w.config();
        float eps = w.requireF32("attention.layer_norm_epsilon");
        Rope rope = rope(w, null, true);
        SelfAttention.Options attn = SelfAttention.Options.standard(c);
        Layer[] layers = new Layer[c.layers()];
        for (int i = 0; i < c.layers(); i++) {
            String p = "blk." + i + ".";
            w.vector(p + "attn_output.bias", c.embd(), true); // required by llama.cpp, like the FFN biases
            w.vector(p + "ffn_up.bias", c.ffn(), true);
            w.vector(p + "ffn_down.bias", c.embd(), true);
            layers[i] = new Layer(w.layerNorm(p + "attn_norm", eps), SelfAttention.load(w, i, rope, attn), null,
                    w.layerNorm(p + "ffn_norm", eps), FeedForward.load(w, i, FeedForward.Kind.GELU), null);
        }
        return model(w, layers, w.layerNorm("output_norm", eps), 0f, 0f);
    }

    /**
     * Phi-3 (models/phi3.cpp): fused attn_qkv, fused gate+up in ffn_up, NEOX RoPE with LongRoPE factors
     * (rope_factors_short, or rope_factors_long when the context exceeds rope.scaling.original_context_length)
     * and rope.scaling.attn_factor; Q is scaled by 1/√head size before attention. Its sliding window is
     * ignored, as llama.cpp does ("Phi SWA is currently disabled").
     */
    private static Model phi3(Weights w) {
        ModelConfig c = w.config();
        float[] shortFactors = w.vector("rope_factors_short.weight", c.ropeDim() / 2, false);
        float[] longFactors = w.vector("rope_factors_long.weight", c.ropeDim() / 2, false);
        Rope rope = rope(w, shortFactors, true);
        SelfAttention.LongRope longRope = longFactors == null ? null
                : new SelfAttention.LongRope(rope(w, longFactors, true), w.i32("rope.scaling.original_context_length", c.contextTrain()));
        SelfAttention.Options attn = SelfAttention.Options.scaledQuery((float) (1.0 / Math.sqrt(c.headDimK())), 0f, 0);
        Layer[] layers = new Layer[c.layers()];
        for (int i = 0; i < c.layers(); i++) {
            String p = "blk." + i + ".";
            layers[i] = new Layer(w.rmsNorm(p + "attn_norm"), SelfAttention.load(w, i, rope, longRope, attn), null,
                    w.rmsNorm(p + "ffn_norm"), FeedForward.load(w, i, FeedForward.Kind.SWIGLU), null);
        }
        return model(w, layers, w.rmsNorm("output_norm"), 0f, 0f);
    }

    /**
     * Gemma (models/gemma.cpp; CodeGemma): embeddings scaled by √embd, NEOX RoPE, Q scaled by 1/√head size,
     * GELU-gated FFN, output tied to the embedding. The norm weights are stored as (1 + w) by the converter.
     */
    private static Model gemma(Weights w) {
        ModelConfig c = w.config();
        Rope rope = rope(w, null, true);
        SelfAttention.Options attn = SelfAttention.Options.scaledQuery((float) (1.0 / Math.sqrt(c.headDimK())), 0f, 0);
        Layer[] layers = new Layer[c.layers()];
        for (int i = 0; i < c.layers(); i++) {
            String p = "blk." + i + ".";
            layers[i] = new Layer(w.rmsNorm(p + "attn_norm"), SelfAttention.load(w, i, rope, attn), null,
                    w.rmsNorm(p + "ffn_norm"), FeedForward.load(w, i, FeedForward.Kind.GEGLU), null);
        }
        return tiedModel(w, layers, (float) Math.sqrt(c.embd()), 0f);
    }

    /**
     * Gemma-2 (models/gemma2.cpp): Gemma plus post-attention and post-FFN norms, attention-logit and
     * final-logit soft-capping (defaults 50 and 30), and a sliding window (default 4096) on every layer but
     * the last of each attention.sliding_window_pattern (default 2: even layers), whose RoPE base is
     * rope.freq_base_swa when given. Q is scaled by 1/√head size, or by 1/√(embd / heads) for the 27B
     * (46 layers), as llama.cpp does.
     */
    private static Model gemma2(Weights w) {
        ModelConfig c = w.config();
        int window = w.i32("attention.sliding_window", 4096);
        int pattern = w.i32("attention.sliding_window_pattern", 2);
        float attnCap = w.f32("attn_logit_softcapping", 50f), finalCap = w.f32("final_logit_softcapping", 30f);
        float qScale = (float) (1.0 / Math.sqrt(c.layers() == 46 ? c.embd() / c.heads() : c.headDimK()));
        Rope rope = rope(w, null, true);
        Rope swaRope = new Rope(c.ropeDim(), w.f32("rope.freq_base_swa", c.ropeBase()), c.ropeScale(), null, true, ropeAttnFactor(w));
        SelfAttention.Options global = SelfAttention.Options.scaledQuery(qScale, attnCap, 0);
        SelfAttention.Options local = SelfAttention.Options.scaledQuery(qScale, attnCap, window);
        Layer[] layers = new Layer[c.layers()];
        for (int i = 0; i < c.layers(); i++) {
            String p = "blk." + i + ".";
            boolean swa = pattern == 0 || i % pattern < pattern - 1; // llama_hparams::set_swa_pattern
            layers[i] = new Layer(w.rmsNorm(p + "attn_norm"), SelfAttention.load(w, i, swa ? swaRope : rope, swa ? local : global),
                    w.rmsNorm(p + "post_attention_norm"),
                    w.rmsNorm(p + "ffn_norm"), FeedForward.load(w, i, FeedForward.Kind.GEGLU), w.rmsNorm(p + "post_ffw_norm"));
        }
        return tiedModel(w, layers, (float) Math.sqrt(c.embd()), finalCap);
    }

    /**
     * Gemma-3 (models/gemma3.cpp): Gemma-2 without the attention soft-cap, with Q/K norms; the sliding window
     * (only when attention.sliding_window is given) on all but every sliding_window_pattern-th layer (default
     * 6), whose RoPE has base rope.freq_base_swa (default 10000) and no scaling, while the global layers keep
     * the file's base and linear scaling; final soft-cap only when the file gives one; output tied unless
     * output.weight is present. Q is scaled as Gemma-2's (the 27B, 62 layers, by 1/√(embd / heads)).
     */
    private static Model gemma3(Weights w) {
        ModelConfig c = w.config();
        int window = w.i32("attention.sliding_window", 0);
        int pattern = w.i32("attention.sliding_window_pattern", 6);
        float qScale = (float) (1.0 / Math.sqrt(c.layers() == 62 ? c.embd() / c.heads() : c.headDimK()));
        Rope rope = rope(w, null, true);
        Rope swaRope = new Rope(c.ropeDim(), w.f32("rope.freq_base_swa", 10000f), 1f, null, true, ropeAttnFactor(w));
        SelfAttention.Options global = SelfAttention.Options.scaledQuery(qScale, 0f, 0);
        SelfAttention.Options local = SelfAttention.Options.scaledQuery(qScale, 0f, window);
        Layer[] layers = new Layer[c.layers()];
        for (int i = 0; i < c.layers(); i++) {
            String p = "blk." + i + ".";
            boolean swa = window > 0 && (pattern == 0 || i % pattern < pattern - 1); // llama_hparams::set_swa_pattern
            SelfAttention a = SelfAttention.load(w, i, swa ? swaRope : rope, swa ? local : global)
                    .withQkNorm(w.headNorm(p + "attn_q_norm"), w.headNorm(p + "attn_k_norm"));
            layers[i] = new Layer(w.rmsNorm(p + "attn_norm"), a, w.rmsNorm(p + "post_attention_norm"),
                    w.rmsNorm(p + "ffn_norm"), FeedForward.load(w, i, FeedForward.Kind.GEGLU), w.rmsNorm(p + "post_ffw_norm"));
        }
        return model(w, layers, w.rmsNorm("output_norm"), (float) Math.sqrt(c.embd()), w.f32("final_logit_softcapping", 0f));
    }

    /**
     * Granite 3.x dense (models/granite.cpp): Llama with four scales from metadata: embeddings multiplied by
     * embedding_scale, each block's output by residual_scale before the residual add, scores by
     * attention.scale (instead of 1/√head size), and the logits divided by logit_scale (required).
     */
    private static Model granite(Weights w) {
        ModelConfig c = w.config();
        float logitScale = w.requireF32("logit_scale");
        float attnScale = w.f32("attention.scale", 0f);
        Rope rope = rope(w, w.vector("rope_freqs.weight", c.ropeDim() / 2, false), false);
        SelfAttention.Options attn = attnScale != 0f ? new SelfAttention.Options(attnScale, 0f, 0f, 0) : SelfAttention.Options.standard(c);
        Layer[] layers = new Layer[c.layers()];
        for (int i = 0; i < c.layers(); i++) {
            String p = "blk." + i + ".";
            if (w.has(p + "ffn_gate_inp.weight"))
                throw new GgufFormatException(w.file().path() + ": mixture-of-experts granite models are not supported yet");
            layers[i] = new Layer(w.rmsNorm(p + "attn_norm"), SelfAttention.load(w, i, rope, attn), null,
                    w.rmsNorm(p + "ffn_norm"), FeedForward.load(w, i, FeedForward.Kind.SWIGLU), null);
        }
        Model m = model(w, layers, w.rmsNorm("output_norm"), w.f32("embedding_scale", 0f), 0f);
        m.residualScale = w.f32("residual_scale", 0f);
        m.logitMul = 1f / logitScale; // ggml_scale(cur, 1.0f / f_logit_scale)
        return m;
    }

    /**
     * OLMo-2 (models/olmo2.cpp): no pre-norms, post-attention and post-FFN RMSNorms; Q and K RMS-normalized
     * over all their heads at once before NEOX RoPE; SwiGLU; its own output matrix. The sliding-window
     * variant (OLMo-3) is refused for now.
     */
    private static Model olmo2(Weights w) {
        ModelConfig c = w.config();
        if (w.i32("attention.sliding_window", 0) > 0)
            throw new GgufFormatException(w.file().path() + ": olmo2 with a sliding window (OLMo-3) is not supported yet");
        Rope rope = rope(w, null, true);
        SelfAttention.Options attn = SelfAttention.Options.standard(c);
        Layer[] layers = new Layer[c.layers()];
        for (int i = 0; i < c.layers(); i++) {
            String p = "blk." + i + ".";
            SelfAttention a = SelfAttention.load(w, i, rope, attn)
                    .withWholeQkNorm(w.rmsNorm(p + "attn_q_norm", c.qDim()), w.rmsNorm(p + "attn_k_norm", c.kvDimK()));
            layers[i] = new Layer(null, a, w.rmsNorm(p + "post_attention_norm"),
                    null, FeedForward.load(w, i, FeedForward.Kind.SWIGLU), w.rmsNorm(p + "post_ffw_norm"));
        }
        w.matrix("output.weight", c.embd(), c.vocab()); // required: OLMo-2 never ties its output
        return model(w, layers, w.rmsNorm("output_norm"), 0f, 0f);
    }

    /**
     * Command-R (models/command-r.cpp): parallel layers (attention and FFN both read one LayerNorm's output,
     * a norm without bias), normal RoPE, SwiGLU, output tied to the embedding, logits multiplied by
     * logit_scale. Command-R+'s per-head Q/K LayerNorms are refused for now.
     */
    private static Model commandR(Weights w) {
        ModelConfig c = w.config();
        float eps = w.requireF32("attention.layer_norm_epsilon");
        Rope rope = rope(w, null, false);
        SelfAttention.Options attn = SelfAttention.Options.standard(c);
        Layer[] layers = new Layer[c.layers()];
        for (int i = 0; i < c.layers(); i++) {
            String p = "blk." + i + ".";
            if (w.has(p + "attn_q_norm.weight"))
                throw new GgufFormatException(w.file().path() + ": command-r with Q/K norms (Command-R+) is not supported yet");
            Norm norm = new Norm(Norm.Kind.LAYER, w.vector(p + "attn_norm.weight", c.embd(), true), null, eps);
            layers[i] = Layer.parallel(norm, SelfAttention.load(w, i, rope, attn), FeedForward.load(w, i, FeedForward.Kind.SWIGLU));
        }
        Tensor embd = w.matrix("token_embd.weight", c.embd(), c.vocab());
        Model m = new Model(c, embd, 0f, layers, new Norm(Norm.Kind.LAYER, w.vector("output_norm.weight", c.embd(), true), null, eps),
                embd, null, 0f);
        m.logitMul = w.f32("logit_scale", 0f);
        return m;
    }

    /** The config's RoPE with the given frequency factors (or none), normal or NEOX pairing. */
    private static Rope rope(Weights w, float[] factors, boolean neox) {
        ModelConfig c = w.config();
        return new Rope(c.ropeDim(), c.ropeBase(), c.ropeScale(), factors, neox, ropeAttnFactor(w));
    }

    /** rope.scaling.attn_factor multiplies RoPE's cos and sin for every architecture (llama_context's yarn_attn_factor). */
    private static float ropeAttnFactor(Weights w) {
        return w.f32("rope.scaling.attn_factor", 1f);
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
            int groups = f.getInt(a + "expert_group_count", 0), groupsUsed = f.getInt(a + "expert_group_used_count", 0);
            if (groups > 1 && (experts % groups != 0 || groupsUsed <= 0 || groupsUsed > groups || groupsUsed * (experts / groups) < used))
                throw new GgufFormatException(f.path() + ": expert groups inconsistent (expert_group_count " + groups
                        + ", expert_group_used_count " + groupsUsed + ", expert_count " + experts + ", expert_used_count " + used + ")");
            moe = new MoeFfn.Params(experts, used, expertFfn, f.getBool(a + "expert_weights_norm", false),
                    f.getFloat(a + "expert_weights_scale", 0f), gating, groups, groupsUsed);
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
        return model(w, layers, w.rmsNorm("output_norm"), 0f, 0f);
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

    /** token_embd, the layers, the output norm, and output.weight (with its optional bias) or, without one, the embedding. */
    private static Model model(Weights w, Layer[] layers, Norm outputNorm, float embdScale, float finalCap) {
        ModelConfig c = w.config();
        Tensor embd = w.matrix("token_embd.weight", c.embd(), c.vocab());
        Tensor output = w.has("output.weight") ? w.matrix("output.weight", c.embd(), c.vocab()) : embd;
        return new Model(c, embd, embdScale, layers, outputNorm, output, w.vector("output.bias", c.vocab(), false), finalCap);
    }

    /** As {@link #model}, the output always the embedding (Gemma ignores any output.weight). */
    private static Model tiedModel(Weights w, Layer[] layers, float embdScale, float finalCap) {
        ModelConfig c = w.config();
        Tensor embd = w.matrix("token_embd.weight", c.embd(), c.vocab());
        return new Model(c, embd, embdScale, layers, w.rmsNorm("output_norm"), embd, null, finalCap);
    }
}
