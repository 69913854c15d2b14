package dev.hearth.model;

import dev.hearth.gguf.GgufWriter;
import dev.hearth.tensor.GgmlType;
import java.nio.file.Path;

/**
 * Seeded random-weight mixture-of-experts models with the metadata keys, tensor names and structure
 * of real ones, scaled down in width and depth, for tests against llama.cpp on the same file (see
 * {@link RandomLlama} for the vocabulary and the weight distribution).
 *
 * <p>Mixtral ({@code llama} with {@code expert_count}): router {@code ffn_gate_inp} (kept in F32, as
 * llama-quantize keeps it) and stacked experts {@code ffn_{gate,up,down}_exps}. The router's std is
 * larger than the other weights' so that routing is decided by clear margins, as in a trained model,
 * rather than by float noise.
 *
 * <p>DeepSeek-V2-Lite ({@code deepseek2}): latent attention without query compression, YaRN (factor 40
 * over 4096 positions, mscale_all_dim 0.707), one leading dense layer, then 64 routed experts (top-6,
 * softmax, not renormalized, scale 1) plus 2 shared experts; in the {@code attn_kv_b} layout of the
 * DeepSeek-Coder-V2-Lite GGUFs on Hugging Face, or the absorbed {@code attn_k_b}/{@code attn_v_b} layout of
 * the current converter. The one key real Lite files lack is {@code attention.q_lora_rank} = 0: llama.cpp
 * recognizes Lite by its 27 layers and asks every other depth for it.
 */
public final class RandomMoe {
    /** A Mixtral-like shape: {@code experts} experts of hidden size {@code ffn}, {@code used} per token. */
    public record Mixtral(String name, int embd, int layers, int heads, int headsKv, int ffn, int experts, int used, int vocab,
                          float ropeBase, float std, float routerStd, float outStd) {}

    /**
     * Mixtral-8x7B's structure (8 experts, top-2, GQA 4:1, untied output, rope base 1e6) at width 256
     * and depth 2; expert hidden size twice the width (Mixtral's is 3.5x) to keep the committed file small.
     */
    public static final Mixtral MIXTRAL_TINY = new Mixtral("mixtral-tiny", 256, 2, 4, 1, 512, 8, 2, 4096, 1e6f, 0.02f, 0.1f, 1.0f);
    /** For tg benchmarks: 8 experts, top-2, 4 layers at width 1024 (~460 MB in Q8_0). */
    public static final Mixtral MIXTRAL_BENCH = new Mixtral("mixtral-bench", 1024, 4, 16, 4, 3584, 8, 2, 32000, 1e6f, 0.02f, 0.1f, 1.0f);
    /** Its dense counterpart with the same active parameters per token: one FFN of 2 x 3584 (~160 MB in Q8_0). */
    public static final Mixtral MIXTRAL_BENCH_DENSE = new Mixtral("mixtral-bench-dense", 1024, 4, 16, 4, 7168, 0, 0, 32000, 1e6f, 0.02f, 0.1f, 1.0f);

    /**
     * A DeepSeek-V2-like shape; per-head sizes {@code nope}, {@code rope}, {@code v}, latent {@code rank}; query
     * compression {@code qRank} (0: Lite's plain attn_q); {@code gating} the expert_gating_func key (0: absent,
     * i.e. softmax), {@code weightsNorm}/{@code weightsScale} the expert weight keys, {@code selectionBias}
     * an exp_probs_b tensor (DeepSeek-V3's routing).
     */
    public record DeepSeek2(String name, int embd, int layers, int denseLead, int heads, int nope, int rope, int v, int rank,
                            int qRank, int ffn, int expertFfn, int experts, int used, int shared, int vocab, boolean absorbed,
                            int gating, boolean weightsNorm, float weightsScale, boolean selectionBias, int groups, int groupsUsed,
                            float std, float routerStd, float outStd) {}

    /**
     * DeepSeek-Coder-V2-Lite at width 256 (heads 8, per-head sizes and latent rank a quarter of the real
     * 128/64/128/512, so their ratios hold), depth 3 (1 dense + 2 MoE); all 64 experts, top-6, 2 shared.
     * Expert width 96 (real 1408 at width 2048 would be 176, which is not a multiple of 32).
     */
    public static final DeepSeek2 DEEPSEEK2_TINY = new DeepSeek2("deepseek2-tiny", 256, 3, 1, 8, 32, 16, 32, 128,
            0, 1344, 96, 64, 6, 2, 4096, false, 0, false, 1.0f, false, 0, 0, 0.02f, 0.1f, 1.0f);
    /** The same model in the absorbed MLA layout (attn_k_b / attn_v_b). */
    public static final DeepSeek2 DEEPSEEK2_MLA_TINY = new DeepSeek2("deepseek2-mla-tiny", 256, 3, 1, 8, 32, 16, 32, 128,
            0, 1344, 96, 64, 6, 2, 4096, true, 0, false, 1.0f, false, 0, 0, 0.02f, 0.1f, 1.0f);
    /**
     * The paths Lite does not take, as DeepSeek-V3 files on the deepseek2 architecture use them: query compression
     * (attn_q_a → attn_q_a_norm → attn_q_b, rank 64), sigmoid gating with a selection bias (exp_probs_b),
     * group-limited routing (8 groups, the best 4 eligible, as V3's), renormalized weights scaled by 2.5; absorbed layout.
     */
    public static final DeepSeek2 DEEPSEEK2_V3_TINY = new DeepSeek2("deepseek2-v3-tiny", 256, 3, 1, 8, 32, 16, 32, 128,
            64, 1344, 96, 64, 6, 1, 4096, true, 2, true, 2.5f, true, 8, 4, 0.02f, 0.1f, 1.0f);
    /** deepseek2-mla-tiny with each expert's gate and up fused in one ffn_gate_up_exps tensor (llama.cpp's loader takes either). */
    public static final DeepSeek2 DEEPSEEK2_FUSED_TINY = new DeepSeek2("deepseek2-fused-tiny", 256, 3, 1, 8, 32, 16, 32, 128,
            0, 1344, 96, 64, 6, 2, 4096, true, 0, false, 1.0f, false, 0, 0, 0.02f, 0.1f, 1.0f);

    private RandomMoe() {}

    public static boolean isShape(String name) {
        return name.startsWith("mixtral-") || name.startsWith("deepseek2-");
    }

    public static Mixtral mixtral(String name) {
        return switch (name) {
            case "mixtral-tiny" -> MIXTRAL_TINY;
            case "mixtral-bench" -> MIXTRAL_BENCH;
            case "mixtral-bench-dense" -> MIXTRAL_BENCH_DENSE;
            default -> throw new IllegalArgumentException("unknown MoE test model shape '" + name
                    + "' (mixtral-tiny, mixtral-bench, mixtral-bench-dense, deepseek2-tiny, deepseek2-mla-tiny)");
        };
    }

    /** Writes the named shape (see {@link #isShape}). */
    public static void write(String shape, GgmlType type, long seed, Path out) {
        switch (shape) {
            case "deepseek2-tiny" -> write(DEEPSEEK2_TINY, type, seed, out);
            case "deepseek2-mla-tiny" -> write(DEEPSEEK2_MLA_TINY, type, seed, out);
            case "deepseek2-v3-tiny" -> write(DEEPSEEK2_V3_TINY, type, seed, out);
            case "deepseek2-fused-tiny" -> write(DEEPSEEK2_FUSED_TINY, type, seed, out);
            default -> write(mixtral(shape), type, seed, out);
        }
    }

    /** Writes the DeepSeek-V2 model with every weight matrix in {@code type} (norms and the router stay F32). */
    public static void write(DeepSeek2 s, GgmlType type, long seed, Path out) {
        RandomLlama.Gaussian rnd = new RandomLlama.Gaussian(seed);
        String a = "deepseek2.";
        int E = s.embd, H = s.heads, qk = s.nope + s.rope;
        GgufWriter w = new GgufWriter();
        w.putString("general.architecture", "deepseek2")
                .putString("general.name", s.name + "-" + type)
                .putU32(a + "block_count", s.layers)
                .putU32(a + "context_length", 163840)
                .putU32(a + "embedding_length", E)
                .putU32(a + "feed_forward_length", s.ffn)
                .putU32(a + "attention.head_count", H)
                .putU32(a + "attention.head_count_kv", s.absorbed ? 1 : H)
                .putF32(a + "rope.freq_base", 10000f)
                .putF32(a + "attention.layer_norm_rms_epsilon", 1e-6f)
                .putU32(a + "expert_used_count", s.used)
                .putU32(a + "leading_dense_block_count", s.denseLead)
                .putU32(a + "vocab_size", s.vocab)
                .putU32(a + "attention.q_lora_rank", s.qRank)
                .putU32(a + "attention.kv_lora_rank", s.rank)
                .putU32(a + "attention.key_length", s.absorbed ? s.rank + s.rope : qk)
                .putU32(a + "attention.value_length", s.absorbed ? s.rank : s.v);
        if (s.absorbed) w.putU32(a + "attention.key_length_mla", qk).putU32(a + "attention.value_length_mla", s.v);
        w.putU32(a + "expert_feed_forward_length", s.expertFfn)
                .putU32(a + "expert_count", s.experts)
                .putU32(a + "expert_shared_count", s.shared)
                .putF32(a + "expert_weights_scale", s.weightsScale)
                .putU32(a + "rope.dimension_count", s.rope)
                .putString(a + "rope.scaling.type", "yarn")
                .putF32(a + "rope.scaling.factor", 40f)
                .putU32(a + "rope.scaling.original_context_length", 4096)
                .putF32(a + "rope.scaling.yarn_log_multiplier", 0.0707f)
                .putU32("general.quantization_version", 2);
        if (s.gating != 0) w.putU32(a + "expert_gating_func", s.gating);
        if (s.weightsNorm) w.putBool(a + "expert_weights_norm", true);
        if (s.groups > 0) w.putU32(a + "expert_group_count", s.groups).putU32(a + "expert_group_used_count", s.groupsUsed);
        RandomLlama.writeVocabulary(w, s.vocab);

        matrix(w, rnd, "token_embd.weight", type, s.std, E, s.vocab);
        for (int i = 0; i < s.layers; i++) {
            String p = "blk." + i + ".";
            w.addTensor(p + "attn_norm.weight", new long[] {E}, RandomLlama.ones(E));
            if (s.qRank > 0) {
                matrix(w, rnd, p + "attn_q_a.weight", type, s.std, E, s.qRank);
                w.addTensor(p + "attn_q_a_norm.weight", new long[] {s.qRank}, RandomLlama.ones(s.qRank));
                matrix(w, rnd, p + "attn_q_b.weight", type, s.std, s.qRank, H * qk);
            } else {
                matrix(w, rnd, p + "attn_q.weight", type, s.std, E, H * qk);
            }
            matrix(w, rnd, p + "attn_kv_a_mqa.weight", type, s.std, E, s.rank + s.rope);
            w.addTensor(p + "attn_kv_a_norm.weight", new long[] {s.rank}, RandomLlama.ones(s.rank));
            if (s.absorbed) {
                matrix(w, rnd, p + "attn_k_b.weight", type, s.std, s.nope, s.rank, H);
                matrix(w, rnd, p + "attn_v_b.weight", type, s.std, s.rank, s.v, H);
            } else {
                matrix(w, rnd, p + "attn_kv_b.weight", type, s.std, s.rank, H * (s.nope + s.v));
            }
            matrix(w, rnd, p + "attn_output.weight", type, s.std, H * s.v, E);
            w.addTensor(p + "ffn_norm.weight", new long[] {E}, RandomLlama.ones(E));
            if (i < s.denseLead) {
                matrix(w, rnd, p + "ffn_gate.weight", type, s.std, E, s.ffn);
                matrix(w, rnd, p + "ffn_up.weight", type, s.std, E, s.ffn);
                matrix(w, rnd, p + "ffn_down.weight", type, s.std, s.ffn, E);
            } else {
                int sf = s.shared * s.expertFfn;
                w.addTensor(p + "ffn_gate_inp.weight", new long[] {E, s.experts}, rnd.next(E * s.experts, s.routerStd));
                if (s.selectionBias) w.addTensor(p + "exp_probs_b.bias", new long[] {s.experts}, rnd.next(s.experts, 0.05f));
                if (s.name.contains("fused")) {
                    // per expert: its gate rows, then its up rows
                    float[] g = rnd.next(E * s.expertFfn * s.experts, s.std), u = rnd.next(E * s.expertFfn * s.experts, s.std);
                    int m = E * s.expertFfn;
                    float[] gu = new float[2 * m * s.experts];
                    for (int e = 0; e < s.experts; e++) {
                        System.arraycopy(g, e * m, gu, 2 * e * m, m);
                        System.arraycopy(u, e * m, gu, (2 * e + 1) * m, m);
                    }
                    w.addTensor(p + "ffn_gate_up_exps.weight", type, new long[] {E, 2L * s.expertFfn, s.experts}, RandomLlama.encode(type, gu));
                } else {
                    matrix(w, rnd, p + "ffn_gate_exps.weight", type, s.std, E, s.expertFfn, s.experts);
                    matrix(w, rnd, p + "ffn_up_exps.weight", type, s.std, E, s.expertFfn, s.experts);
                }
                matrix(w, rnd, p + "ffn_down_exps.weight", type, s.std, s.expertFfn, E, s.experts);
                matrix(w, rnd, p + "ffn_gate_shexp.weight", type, s.std, E, sf);
                matrix(w, rnd, p + "ffn_up_shexp.weight", type, s.std, E, sf);
                matrix(w, rnd, p + "ffn_down_shexp.weight", type, s.std, sf, E);
            }
        }
        w.addTensor("output_norm.weight", new long[] {E}, RandomLlama.ones(E));
        matrix(w, rnd, "output.weight", type, s.outStd, E, s.vocab);
        w.write(out);
    }

    /** Writes the model with every weight matrix in {@code type} (norms and the router stay F32). */
    public static void write(Mixtral s, GgmlType type, long seed, Path out) {
        RandomLlama.Gaussian rnd = new RandomLlama.Gaussian(seed);
        int headDim = s.embd / s.heads;
        GgufWriter w = new GgufWriter();
        w.putString("general.architecture", "llama")
                .putString("general.name", s.name + "-" + type)
                .putU32("llama.context_length", 32768)
                .putU32("llama.embedding_length", s.embd)
                .putU32("llama.block_count", s.layers)
                .putU32("llama.feed_forward_length", s.ffn)
                .putU32("llama.attention.head_count", s.heads)
                .putU32("llama.attention.head_count_kv", s.headsKv)
                .putF32("llama.rope.freq_base", s.ropeBase)
                .putF32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
                .putU32("llama.rope.dimension_count", headDim)
                .putU32("llama.vocab_size", s.vocab)
                .putU32("general.quantization_version", 2);
        if (s.experts > 0) w.putU32("llama.expert_count", s.experts).putU32("llama.expert_used_count", s.used);
        RandomLlama.writeVocabulary(w, s.vocab);

        int E = s.embd, kv = s.headsKv * headDim;
        matrix(w, rnd, "token_embd.weight", type, s.std, E, s.vocab);
        for (int i = 0; i < s.layers; i++) {
            String p = "blk." + i + ".";
            w.addTensor(p + "attn_norm.weight", new long[] {E}, RandomLlama.ones(E));
            matrix(w, rnd, p + "attn_q.weight", type, s.std, E, E);
            matrix(w, rnd, p + "attn_k.weight", type, s.std, E, kv);
            matrix(w, rnd, p + "attn_v.weight", type, s.std, E, kv);
            matrix(w, rnd, p + "attn_output.weight", type, s.std, E, E);
            w.addTensor(p + "ffn_norm.weight", new long[] {E}, RandomLlama.ones(E));
            if (s.experts == 0) { // the dense counterpart
                matrix(w, rnd, p + "ffn_gate.weight", type, s.std, E, s.ffn);
                matrix(w, rnd, p + "ffn_down.weight", type, s.std, s.ffn, E);
                matrix(w, rnd, p + "ffn_up.weight", type, s.std, E, s.ffn);
                continue;
            }
            w.addTensor(p + "ffn_gate_inp.weight", new long[] {E, s.experts}, rnd.next(E * s.experts, s.routerStd));
            matrix(w, rnd, p + "ffn_gate_exps.weight", type, s.std, E, s.ffn, s.experts);
            matrix(w, rnd, p + "ffn_down_exps.weight", type, s.std, s.ffn, E, s.experts);
            matrix(w, rnd, p + "ffn_up_exps.weight", type, s.std, E, s.ffn, s.experts);
        }
        w.addTensor("output_norm.weight", new long[] {E}, RandomLlama.ones(E));
        matrix(w, rnd, "output.weight", type, s.outStd, E, s.vocab);
        w.write(out);
    }

    /** A random tensor of the given ggml shape (ne0 first) encoded as {@code type}. */
    static void matrix(GgufWriter w, RandomLlama.Gaussian rnd, String name, GgmlType type, float std, long... shape) {
        long n = 1;
        for (long d : shape) n *= d;
        w.addTensor(name, type, shape, RandomLlama.encode(type, rnd.next(Math.toIntExact(n), std)));
    }
}
