package dev.hearth.model;

import dev.hearth.gguf.GgufWriter;
import dev.hearth.tensor.GgmlType;
import java.nio.file.Path;
import java.util.List;

/**
 * Seeded random-weight models of the architectures besides plain Llama ({@link RandomLlama} keeps its own,
 * byte for byte), each with the real model's metadata keys, tensor names and structure — biases, fused
 * tensors, post-norms, sliding window, soft-caps, tied or untied output — scaled down in width and depth.
 * llama.cpp loads them (same synthetic vocabulary as RandomLlama), so both engines can run the very same
 * file. Norm weights are 1 + N(0, 0.2²) (so that using the wrong norm shows), biases N(0, 0.1²).
 */
public final class RandomModel {
    /**
     * A shape. {@code headDim} may differ from embd / heads (key_length). Tied shapes raise the embedding's
     * std (and the layers' with it) so the logits are peaked; untied ones use {@code outStd} for the output.
     * Gemma scales the embedding by √embd, so a large embedding would drown the layers and the answer would
     * always be the input token: its shapes keep the embedding small and get peaked logits from a larger
     * output norm weight ({@code outNorm}, the mean of output_norm.weight) instead.
     */
    public record Shape(String name, String arch, String variant, int embd, int layers, int heads, int headsKv, int headDim,
                        int ffn, boolean tied, float ropeBase, float std, float embdStd, float outStd, float outNorm) {
        Shape(String name, String arch, String variant, int embd, int layers, int heads, int headsKv, int headDim,
              int ffn, boolean tied, float ropeBase, float std, float embdStd, float outStd) {
            this(name, arch, variant, embd, layers, heads, headsKv, headDim, ffn, tied, ropeBase, std, embdStd, outStd, 1f);
        }
    }

    public static final List<Shape> SHAPES = List.of(
            // Qwen2-0.5B/1.5B: Q/K/V biases, NEOX RoPE, base 1e6, tied output
            new Shape("qwen2-tiny", "qwen2", "", 256, 2, 4, 2, 64, 768, true, 1e6f, 0.08f, 0.3f, 0f),
            // Qwen3-0.6B: head size 128 > embd / heads, Q/K norms, no biases, tied output
            new Shape("qwen3-tiny", "qwen3", "", 256, 2, 4, 2, 128, 768, true, 1e6f, 0.08f, 0.3f, 0f),
            // StarCoder2-3B: LayerNorm with bias, every projection biased, plain GELU FFN, GQA, untied here
            new Shape("starcoder2-tiny", "starcoder2", "", 256, 2, 4, 2, 64, 1024, false, 999999.4f, 0.02f, 0.02f, 1.0f),
            // Phi-3-mini-128k: head size 96, no GQA, fused QKV and gate+up, LongRoPE (short factors: context <= 4096)
            new Shape("phi3-tiny", "phi3", "short", 384, 2, 4, 4, 96, 1024, false, 10000f, 0.02f, 0.02f, 1.0f),
            // the same with a trained original context of 128, so that llama.cpp's and Hearth's 256-position run use the long factors
            new Shape("phi3-long", "phi3", "long", 384, 2, 4, 4, 96, 1024, false, 10000f, 0.02f, 0.02f, 1.0f),
            // Phi-4-mini on phi3: partial rotary (3/4 of each head), GQA 3:1 in the fused QKV, tied output, LongRoPE
            new Shape("phi4-mini-tiny", "phi3", "partial", 384, 2, 6, 2, 64, 1024, true, 10000f, 0.08f, 0.3f, 0f),
            // CodeGemma-2B: head size 128 > embd / heads (key_length), MQA, GELU-gated FFN, embedding scaled, tied
            new Shape("gemma-tiny", "gemma", "", 256, 2, 4, 1, 128, 1024, true, 10000f, 0.12f, 0.05f, 0f, 8f),
            // Gemma-2-2B: post-norms, soft-caps, sliding window (64 here) on even layers, head size 96 with 4 heads
            new Shape("gemma2-tiny", "gemma2", "", 256, 4, 4, 2, 96, 768, true, 10000f, 0.08f, 0.05f, 0f, 5f),
            // Gemma-3-4B: Q/K norms, post-norms, sliding window (64 here) on 5 of every 6 layers with RoPE base 10000,
            // global layers with base 1e6 and linear scaling 8, head size 128 > embd / heads, MQA, tied
            new Shape("gemma3-tiny", "gemma3", "", 256, 6, 4, 1, 128, 768, true, 1e6f, 0.08f, 0.05f, 0f, 5f),
            // Granite-3B-Code on llama: head size 80, biases on attention and FFN, tied output
            new Shape("granite-tiny", "llama", "granite", 320, 2, 4, 4, 80, 896, true, 10000000f, 0.08f, 0.3f, 0f),
            // Granite-3.1-2B: embedding, residual, attention and logit scales, GQA 4:1, tied output
            new Shape("granite3-tiny", "granite", "", 256, 2, 4, 1, 64, 768, true, 5000000f, 0.15f, 0.05f, 0f, 48f),
            // OLMo-2-7B: no pre-norms, post-norms, Q/K norms over all heads, NEOX RoPE base 500000, untied
            new Shape("olmo2-tiny", "olmo2", "", 256, 2, 4, 4, 64, 768, false, 500000f, 0.02f, 0.02f, 1.0f),
            // Command-R 35B: parallel layers, LayerNorm without bias, no GQA, logit scale 0.0625, tied output
            new Shape("command-r-tiny", "command-r", "", 256, 2, 4, 4, 64, 768, true, 8000000f, 0.08f, 0.3f, 0f, 16f),
            // Mistral-Nemo on llama: head size 128 with a smaller embd (32 x 128 > 5120), GQA 4:1, base 1e6
            new Shape("nemo-tiny", "llama", "nemo", 256, 2, 4, 1, 128, 768, false, 1e6f, 0.02f, 0.02f, 1.0f));

    static final int VOCAB = 4096;

    private RandomModel() {}

    /** The shape named {@code name}, or null. */
    public static Shape shape(String name) {
        for (Shape s : SHAPES) if (s.name.equals(name)) return s;
        return null;
    }

    public static void write(Shape s, GgmlType type, long seed, Path out) {
        RandomLlama.Gaussian rnd = new RandomLlama.Gaussian(seed);
        String a = s.arch + ".";
        boolean phi3 = s.arch.equals("phi3"), gemma2 = s.arch.equals("gemma2"), sc2 = s.arch.equals("starcoder2");
        boolean gemma3 = s.arch.equals("gemma3"), olmo2 = s.arch.equals("olmo2");
        boolean postNorms = gemma2 || gemma3 || olmo2, qkNorm = gemma3 || s.arch.equals("qwen3");
        int E = s.embd, F = s.ffn, hd = s.headDim, q = s.heads * hd, kv = s.headsKv * hd, V = VOCAB;
        int ropeDims = s.variant.equals("partial") ? hd * 3 / 4 : hd;
        int ctx = phi3 ? 131072 : gemma2 ? 8192 : gemma3 ? 131072 : 4096;
        GgufWriter w = new GgufWriter();
        w.putString("general.architecture", s.arch)
                // not the shape's name: llama.cpp's vocabulary loader special-cases names containing "phi3"
                .putString("general.name", "hearth-random-" + type)
                .putU32(a + "context_length", ctx)
                .putU32(a + "embedding_length", E)
                .putU32(a + "block_count", s.layers)
                .putU32(a + "feed_forward_length", F)
                .putU32(a + "attention.head_count", s.heads)
                .putU32(a + "attention.head_count_kv", s.headsKv)
                .putF32(a + "rope.freq_base", s.ropeBase)
                .putU32(a + "attention.key_length", hd)
                .putU32(a + "attention.value_length", hd)
                .putU32(a + "rope.dimension_count", ropeDims)
                .putU32(a + "vocab_size", V)
                .putU32("general.quantization_version", 2);
        boolean cmdr = s.arch.equals("command-r");
        if (sc2 || cmdr) w.putF32(a + "attention.layer_norm_epsilon", 1e-5f);
        else w.putF32(a + "attention.layer_norm_rms_epsilon", s.arch.startsWith("qwen") || olmo2 ? 1e-6f : 1e-5f);
        int origCtx = s.variant.equals("long") ? 128 : 4096;
        if (phi3) {
            double scale = (double) ctx / origCtx;
            w.putU32(a + "rope.scaling.original_context_length", origCtx)
                    .putF32(a + "rope.scaling.attn_factor", (float) Math.sqrt(1 + Math.log(scale) / Math.log(origCtx)))
                    .putU32(a + "attention.sliding_window", 262144); // written by the converter, ignored by llama.cpp
        }
        if (gemma2) {
            w.putU32(a + "attention.sliding_window", 64)
                    .putF32(a + "attn_logit_softcapping", 10f)
                    .putF32(a + "final_logit_softcapping", 30f);
        }
        if (gemma3) {
            w.putU32(a + "attention.sliding_window", 64)
                    .putF32(a + "rope.freq_base_swa", 10000f)
                    .putString(a + "rope.scaling.type", "linear")
                    .putF32(a + "rope.scaling.factor", 8f);
        }
        if (cmdr) w.putF32(a + "logit_scale", 0.0625f);
        if (s.arch.equals("granite")) {
            w.putF32(a + "embedding_scale", 12f)
                    .putF32(a + "residual_scale", 0.22f)
                    .putF32(a + "attention.scale", 0.015625f)
                    .putF32(a + "logit_scale", 8f);
        }
        RandomLlama.writeVocabulary(w, V);

        Tensors t = new Tensors(w, rnd, type);
        t.matrix("token_embd.weight", E, V, s.embdStd);
        if (phi3) {
            float[] shortF = new float[ropeDims / 2], longF = new float[ropeDims / 2];
            for (int i = 0; i < ropeDims / 2; i++) {
                double x = (double) i / (ropeDims / 2);
                shortF[i] = (float) (1 + 0.1 * x);
                longF[i] = (float) (1 + 40 * x * x);
            }
            w.addTensor("rope_factors_long.weight", new long[] {ropeDims / 2}, longF);
            w.addTensor("rope_factors_short.weight", new long[] {ropeDims / 2}, shortF);
        }
        boolean qkvBias = s.arch.equals("qwen2") || sc2 || s.variant.equals("granite");
        boolean allBias = sc2 || s.variant.equals("granite");
        for (int i = 0; i < s.layers; i++) {
            String p = "blk." + i + ".";
            if (!olmo2) t.norm(p + "attn_norm", E, 1f, sc2);
            if (phi3) {
                t.matrix(p + "attn_qkv.weight", E, q + 2 * kv, s.std);
            } else {
                t.matrix(p + "attn_q.weight", E, q, s.std);
                t.matrix(p + "attn_k.weight", E, kv, s.std);
                t.matrix(p + "attn_v.weight", E, kv, s.std);
            }
            if (qkvBias) {
                t.bias(p + "attn_q.bias", q);
                t.bias(p + "attn_k.bias", kv);
                t.bias(p + "attn_v.bias", kv);
            }
            t.matrix(p + "attn_output.weight", q, E, s.std);
            if (olmo2) {
                t.norm(p + "attn_q_norm", q, 1f, false);
                t.norm(p + "attn_k_norm", kv, 1f, false);
            }
            if (qkNorm) {
                t.norm(p + "attn_k_norm", hd, 1f, false);
                t.norm(p + "attn_q_norm", hd, 1f, false);
            }
            if (allBias) t.bias(p + "attn_output.bias", E);
            if (postNorms) t.norm(p + "post_attention_norm", E, olmo2 ? 1f : 4f, false);
            if (!olmo2 && !cmdr) t.norm(p + "ffn_norm", E, 1f, sc2);
            if (phi3) {
                t.matrix(p + "ffn_up.weight", E, 2 * F, s.std);
            } else {
                if (!sc2) t.matrix(p + "ffn_gate.weight", E, F, s.std);
                t.matrix(p + "ffn_up.weight", E, F, s.std);
            }
            t.matrix(p + "ffn_down.weight", F, E, s.std);
            if (allBias) {
                if (!sc2) t.bias(p + "ffn_gate.bias", F);
                t.bias(p + "ffn_up.bias", F);
                t.bias(p + "ffn_down.bias", E);
            }
            if (postNorms) t.norm(p + "post_ffw_norm", E, olmo2 ? 1f : 4f, false);
        }
        t.norm("output_norm", E, s.outNorm, sc2);
        if (!s.tied) t.matrix("output.weight", E, V, s.outStd);
        w.write(out);
    }

    /** Adds tensors in order, drawing each one's values from the one seeded generator. */
    private record Tensors(GgufWriter w, RandomLlama.Gaussian rnd, GgmlType type) {
        void matrix(String name, int cols, int rows, float std) {
            w.addTensor(name, type, new long[] {cols, rows}, RandomLlama.encode(type, rnd.next(cols * rows, std)));
        }

        void bias(String name, int n) {
            w.addTensor(name, new long[] {n}, rnd.next(n, 0.1f));
        }

        /** NAME.weight = mean + N(0, (0.2 mean)²); with a bias, NAME.bias as well (LayerNorm). */
        void norm(String name, int n, float mean, boolean withBias) {
            float[] v = rnd.next(n, 0.2f * mean);
            for (int i = 0; i < n; i++) v[i] += mean;
            w.addTensor(name + ".weight", new long[] {n}, v);
            if (withBias) bias(name + ".bias", n);
        }
    }
}
