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
    /** For tg benchmarks: 8 experts, top-2, 4 layers at width 1024 (~400 MB in Q8_0). */
    public static final Mixtral MIXTRAL_BENCH = new Mixtral("mixtral-bench", 1024, 4, 16, 4, 3584, 8, 2, 32000, 1e6f, 0.02f, 0.1f, 1.0f);

    private RandomMoe() {}

    public static boolean isShape(String name) {
        return name.equals("mixtral-tiny") || name.equals("mixtral-bench");
    }

    public static Mixtral mixtral(String name) {
        return switch (name) {
            case "mixtral-tiny" -> MIXTRAL_TINY;
            case "mixtral-bench" -> MIXTRAL_BENCH;
            default -> throw new IllegalArgumentException("unknown MoE test model shape '" + name + "' (mixtral-tiny, mixtral-bench)");
        };
    }

    /** Writes the named shape (see {@link #isShape}). */
    public static void write(String shape, GgmlType type, long seed, Path out) {
        write(mixtral(shape), type, seed, out);
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
                .putU32("llama.expert_count", s.experts)
                .putU32("llama.expert_used_count", s.used)
                .putU32("llama.rope.dimension_count", headDim)
                .putU32("llama.vocab_size", s.vocab)
                .putU32("general.quantization_version", 2);
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
