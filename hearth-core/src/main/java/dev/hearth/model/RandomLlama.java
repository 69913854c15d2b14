package dev.hearth.model;

import dev.hearth.gguf.GgufValueType;
import dev.hearth.gguf.GgufWriter;
import dev.hearth.tensor.GgmlType;
import dev.hearth.tensor.TypeOps;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes seeded random-weight Llama models with realistic shapes, for tests that compare Hearth with
 * llama.cpp on the very same file. The file carries everything llama.cpp needs to load it: the
 * llama metadata keys, and a synthetic SentencePiece vocabulary (unk, bos, eos, the 256 byte tokens,
 * then pieces "▁w0", "▁w1", …). Weights are N(0, std²) from a seeded generator, encoded with Hearth's
 * own quantizers; norm weights are 1.
 */
public final class RandomLlama {
    /**
     * A model shape. {@code outStd} &gt; std makes the logits peaked, so argmax comparisons mean something.
     */
    public record Shape(String name, int embd, int layers, int heads, int headsKv, int ffn, int vocab, boolean tied,
                        boolean ropeFreqs, float ropeBase, float std, float embdStd, float outStd) {}

    /** llama.cpp's reference "llama-tiny" dimensions (../shared/ref/make-models.sh): untied output. */
    public static final Shape TINY = new Shape("llama-tiny", 256, 4, 8, 4, 768, 4096, false, false, 10000f, 0.02f, 0.02f, 1.0f);
    /**
     * Llama-3.2-1B's head size, GQA ratio, llama3 rope factors and tied output, scaled down in width and depth.
     * With a tied output the logits are the final state against the embedding, so the embedding std is raised
     * for peaked logits and the layer weights' std with it: otherwise the residual stream is just the input
     * token's embedding and the argmax is always the input token (a test that could not fail).
     */
    public static final Shape SMALL_GQA = new Shape("llama-small-gqa", 512, 2, 8, 2, 1536, 8192, true, true, 500000f, 0.08f, 0.3f, 0.3f);

    private RandomLlama() {}

    public static Shape shape(String name) {
        return switch (name) {
            case "llama-tiny", "tiny" -> TINY;
            case "llama-small-gqa", "small-gqa" -> SMALL_GQA;
            default -> throw new IllegalArgumentException("unknown test model shape '" + name + "' (llama-tiny, llama-small-gqa, "
                    + String.join(", ", RandomModel.SHAPES.stream().map(RandomModel.Shape::name).toList()) + ")");
        };
    }

    /** Writes the model with every 2-D weight in {@code type} (norms and rope factors stay F32). */
    public static void write(Shape s, GgmlType type, long seed, Path out) {
        write(s, type, type, seed, out);
    }

    /** As {@link #write(Shape, GgmlType, long, Path)}, with the token embedding (and untied output) in {@code embdType}. */
    public static void write(Shape s, GgmlType type, GgmlType embdType, long seed, Path out) {
        Gaussian rnd = new Gaussian(seed);
        int headDim = s.embd / s.heads;
        GgufWriter w = new GgufWriter();
        w.putString("general.architecture", "llama")
                .putString("general.name", s.name + "-" + type)
                .putU32("llama.context_length", 4096)
                .putU32("llama.embedding_length", s.embd)
                .putU32("llama.block_count", s.layers)
                .putU32("llama.feed_forward_length", s.ffn)
                .putU32("llama.attention.head_count", s.heads)
                .putU32("llama.attention.head_count_kv", s.headsKv)
                .putF32("llama.rope.freq_base", s.ropeBase)
                .putF32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
                .putU32("llama.attention.key_length", headDim)
                .putU32("llama.attention.value_length", headDim)
                .putU32("llama.rope.dimension_count", headDim)
                .putU32("llama.vocab_size", s.vocab)
                .putU32("general.quantization_version", 2);
        writeVocabulary(w, s.vocab);

        w.addTensor("token_embd.weight", embdType, new long[] {s.embd, s.vocab}, encode(embdType, rnd.next(s.embd * s.vocab, s.embdStd)));
        if (s.ropeFreqs) w.addTensor("rope_freqs.weight", new long[] {headDim / 2}, llama3RopeFactors(headDim, s.ropeBase));
        int kv = s.headsKv * headDim;
        for (int i = 0; i < s.layers; i++) {
            String p = "blk." + i + ".";
            w.addTensor(p + "attn_norm.weight", new long[] {s.embd}, ones(s.embd));
            w.addTensor(p + "attn_q.weight", type, new long[] {s.embd, s.embd}, encode(type, rnd.next(s.embd * s.embd, s.std)));
            w.addTensor(p + "attn_k.weight", type, new long[] {s.embd, kv}, encode(type, rnd.next(s.embd * kv, s.std)));
            w.addTensor(p + "attn_v.weight", type, new long[] {s.embd, kv}, encode(type, rnd.next(s.embd * kv, s.std)));
            w.addTensor(p + "attn_output.weight", type, new long[] {s.embd, s.embd}, encode(type, rnd.next(s.embd * s.embd, s.std)));
            w.addTensor(p + "ffn_norm.weight", new long[] {s.embd}, ones(s.embd));
            w.addTensor(p + "ffn_gate.weight", type, new long[] {s.embd, s.ffn}, encode(type, rnd.next(s.embd * s.ffn, s.std)));
            w.addTensor(p + "ffn_up.weight", type, new long[] {s.embd, s.ffn}, encode(type, rnd.next(s.embd * s.ffn, s.std)));
            w.addTensor(p + "ffn_down.weight", type, new long[] {s.ffn, s.embd}, encode(type, rnd.next(s.ffn * s.embd, s.std)));
        }
        w.addTensor("output_norm.weight", new long[] {s.embd}, ones(s.embd));
        if (!s.tied) w.addTensor("output.weight", embdType, new long[] {s.embd, s.vocab}, encode(embdType, rnd.next(s.embd * s.vocab, s.outStd)));
        w.write(out);
    }

    static void writeVocabulary(GgufWriter w, int vocab) {
        String[] tokens = new String[vocab];
        float[] scores = new float[vocab];
        int[] types = new int[vocab];
        tokens[0] = "<unk>"; types[0] = 2;  // llama.cpp token types: 1 normal, 2 unknown, 3 control, 6 byte
        tokens[1] = "<s>"; types[1] = 3;
        tokens[2] = "</s>"; types[2] = 3;
        for (int b = 0; b < 256; b++) {
            tokens[3 + b] = String.format("<0x%02X>", b);
            types[3 + b] = 6;
        }
        for (int i = 259; i < vocab; i++) {
            tokens[i] = "\u2581w" + (i - 259);
            scores[i] = -(i - 259);
            types[i] = 1;
        }
        w.putString("tokenizer.ggml.model", "llama")
                .putStrings("tokenizer.ggml.tokens", tokens)
                .putFloats("tokenizer.ggml.scores", scores)
                .putInts("tokenizer.ggml.token_type", types)
                .putU32("tokenizer.ggml.bos_token_id", 1)
                .putU32("tokenizer.ggml.eos_token_id", 2)
                .putU32("tokenizer.ggml.unknown_token_id", 0)
                .put("tokenizer.ggml.add_bos_token", GgufValueType.BOOL, true);
    }

    /** Llama-3's rope frequency factors (factor 32, low 1, high 4, original context 8192), as its converter computes them. */
    static float[] llama3RopeFactors(int headDim, float base) {
        double factor = 32, low = 1, high = 4, oldCtx = 8192;
        float[] out = new float[headDim / 2];
        for (int i = 0; i < headDim / 2; i++) {
            float freq = (float) (1.0 / Math.pow(base, (2.0 * i) / headDim));
            double wavelen = 2 * Math.PI / freq;
            if (wavelen < oldCtx / high) out[i] = 1f;
            else if (wavelen > oldCtx / low) out[i] = (float) factor;
            else {
                double smooth = (oldCtx / wavelen - low) / (high - low);
                out[i] = (float) (1 / ((1 - smooth) / factor + smooth));
            }
        }
        return out;
    }

    static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }

    static byte[] encode(GgmlType type, float[] values) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(type.bytesFor(values.length));
            TypeOps.of(type).quantize(values, 0, seg, 0, values.length);
            return seg.toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** Seeded N(0, 1) by Box–Muller over SplittableRandom: the same numbers on every JDK. */
    static final class Gaussian {
        private final SplittableRandom r;

        Gaussian(long seed) {
            r = new SplittableRandom(seed);
        }

        float[] next(int n, float std) {
            float[] out = new float[n];
            for (int i = 0; i < n; i += 2) {
                double u1 = 1.0 - r.nextDouble(), u2 = r.nextDouble();
                double rad = Math.sqrt(-2 * Math.log(u1));
                out[i] = (float) (rad * Math.cos(2 * Math.PI * u2) * std);
                if (i + 1 < n) out[i + 1] = (float) (rad * Math.sin(2 * Math.PI * u2) * std);
            }
            return out;
        }
    }
}
