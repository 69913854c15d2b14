package dev.hearth.model;

import dev.hearth.gguf.GgufFile;
import dev.hearth.gguf.GgufFormatException;

/**
 * The hyper-parameters of a decoder-only transformer, read from GGUF metadata
 * ({@code ARCH.block_count}, {@code ARCH.embedding_length}, …; key names as in llama.cpp's llama-arch.cpp).
 *
 * @param headDimK   size of one query/key head ({@code attention.key_length}, else embd / heads)
 * @param headDimV   size of one value head ({@code attention.value_length}, else embd / heads)
 * @param ropeDim    number of leading head dimensions that are rotated ({@code rope.dimension_count})
 * @param ropeScale  linear RoPE scaling: positions are multiplied by this (1 / {@code rope.scaling.factor})
 */
public record ModelConfig(
        String architecture,
        int embd,
        int layers,
        int heads,
        int headsKv,
        int headDimK,
        int headDimV,
        int ffn,
        int vocab,
        int contextTrain,
        float normEps,
        float ropeBase,
        int ropeDim,
        float ropeScale) {

    public static ModelConfig read(GgufFile f) {
        String arch = f.requireString("general.architecture");
        String p = arch + ".";
        int embd = positive(f, p + "embedding_length");
        int layers = positive(f, p + "block_count");
        int heads = positive(f, p + "attention.head_count");
        int headsKv = f.getInt(p + "attention.head_count_kv", heads);
        if (headsKv <= 0 || heads % headsKv != 0)
            throw new GgufFormatException(f.path() + ": head_count " + heads + " is not a multiple of head_count_kv " + headsKv);
        int headDimK = f.getInt(p + "attention.key_length", embd / heads);
        int headDimV = f.getInt(p + "attention.value_length", embd / heads);
        int ffn = positive(f, p + "feed_forward_length");
        var tokens = f.getArray("tokenizer.ggml.tokens");
        int vocab = f.getInt(p + "vocab_size", tokens != null ? tokens.size() : 0);
        if (vocab <= 0) throw new GgufFormatException(f.path() + ": the model has no vocabulary (no tokenizer.ggml.tokens)");
        int ctx = f.getInt(p + "context_length", 2048);
        float eps = f.getFloat(p + "attention.layer_norm_rms_epsilon", 1e-5f);
        float base = f.getFloat(p + "rope.freq_base", 10000f);
        int ropeDim = f.getInt(p + "rope.dimension_count", headDimK);
        if (ropeDim > headDimK || ropeDim % 2 != 0)
            throw new GgufFormatException(f.path() + ": rope.dimension_count " + ropeDim + " does not fit head size " + headDimK);
        float ropeScale = 1f;
        String scaling = f.getString(p + "rope.scaling.type", "none");
        float factor = f.getFloat(p + "rope.scaling.factor", 0f);
        if (factor == 0f) factor = f.getFloat(p + "rope.scale_linear", 0f); // older files
        if (factor != 0f && (scaling.equals("linear") || scaling.equals("none") && f.has(p + "rope.scale_linear")))
            ropeScale = 1f / factor;
        else if (factor != 0f && scaling.equals("yarn") && arch.equals("deepseek2")) // the YaRN details: Architecture.deepseek2
            ropeScale = 1f / factor;
        else if (!scaling.equals("none") && !scaling.equals("linear"))
            throw new GgufFormatException(f.path() + ": rope scaling type '" + scaling + "' is not supported yet");
        return new ModelConfig(arch, embd, layers, heads, headsKv, headDimK, headDimV, ffn, vocab, ctx, eps, base, ropeDim, ropeScale);
    }

    private static int positive(GgufFile f, String key) {
        int v = f.requireInt(key);
        if (v <= 0) throw new GgufFormatException(f.path() + ": metadata '" + key + "' must be positive, is " + v);
        return v;
    }

    /**
     * DeepSeek-V2's absorbed latent attention caches one row [kv_cmpr | k_pe] per token and reads the values
     * as that row's first kv_lora_rank entries: llama.cpp keeps only the K cache (build_attn_inp_k), so the
     * values take no memory of their own.
     */
    public boolean valuesInKeys() {
        return architecture.equals("deepseek2") && headsKv == 1 && headDimV < headDimK;
    }

    public int qDim() { return heads * headDimK; }
    public int kvDimK() { return headsKv * headDimK; }
    public int kvDimV() { return headsKv * headDimV; }
}
