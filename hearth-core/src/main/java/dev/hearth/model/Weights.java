package dev.hearth.model;

import dev.hearth.gguf.GgufFile;
import dev.hearth.gguf.GgufFormatException;
import dev.hearth.gguf.Tensor;
import dev.hearth.tensor.GgmlType;
import dev.hearth.tensor.RowBlocks;
import dev.hearth.tensor.TypeOps;
import java.util.Arrays;

/**
 * The tensors of a GGUF file, checked as they are fetched: shape against the config, type against the
 * kernels Hearth has. Matrices stay views on the mapped file, except Q4_0 ones, which are regrouped in memory
 * ({@link RowBlocks}); vectors (norms, biases) are read into floats.
 * Every problem is a {@link GgufFormatException} naming the file and the tensor.
 */
record Weights(GgufFile file, ModelConfig config) {

    /** Metadata {@code ARCH.key} as a float, or {@code fallback}. */
    float f32(String key, float fallback) {
        return file.getFloat(config.architecture() + "." + key, fallback);
    }

    /** Metadata {@code ARCH.key} as an int, or {@code fallback}. */
    int i32(String key, int fallback) {
        return file.getInt(config.architecture() + "." + key, fallback);
    }

    /** Metadata {@code ARCH.key}, required (llama.cpp refuses the file without it). */
    float requireF32(String key) {
        String k = config.architecture() + "." + key;
        if (!file.has(k)) throw new GgufFormatException(file.path() + ": missing required metadata key '" + k + "'");
        return file.getFloat(k, 0f);
    }

    boolean has(String name) {
        return file.tensor(name) != null;
    }

    /** A matrix of {@code rows} rows of {@code cols} (ggml's ne0 = cols, ne1 = rows). */
    Tensor matrix(String name, int cols, int rows) {
        Tensor t = file.requireTensor(name);
        if (t.shape().length != 2 || t.shape()[0] != cols || t.shape()[1] != rows)
            throw new GgufFormatException(file.path() + ": tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                    + ", expected [" + cols + ", " + rows + "]");
        supported(t);
        Tensor prepared = RowBlocks.prepare(t);
        if (prepared != t) file.releasePages(t);
        return prepared;
    }

    /** A vector of {@code n} elements as floats; null when it is absent and not required. */
    float[] vector(String name, int n, boolean required) {
        Tensor t = required ? file.requireTensor(name) : file.tensor(name);
        if (t == null) return null;
        if (t.elementCount() != n)
            throw new GgufFormatException(file.path() + ": tensor '" + name + "' has " + t.elementCount() + " elements, expected " + n);
        float[] v = new float[n];
        supported(t).dequantize(t.data(), 0, v, 0, n);
        return v;
    }

    /** An RMSNorm over embd from {@code NAME.weight}. */
    Norm rmsNorm(String name) {
        return Norm.rms(vector(name + ".weight", config.embd(), true), config.normEps());
    }

    /** An RMSNorm over {@code n} values from {@code NAME.weight}. */
    Norm rmsNorm(String name, int n) {
        return Norm.rms(vector(name + ".weight", n, true), config.normEps());
    }

    /** An RMSNorm over one attention head (headDimK) from {@code NAME.weight} (Qwen3's attn_q_norm, attn_k_norm). */
    Norm headNorm(String name) {
        return Norm.rms(vector(name + ".weight", config.headDimK(), true), config.normEps());
    }

    /** A LayerNorm over embd from {@code NAME.weight} and {@code NAME.bias}. */
    Norm layerNorm(String name, float eps) {
        return new Norm(Norm.Kind.LAYER, vector(name + ".weight", config.embd(), true), vector(name + ".bias", config.embd(), true), eps);
    }

    /** Rows [first, first + count) of a matrix, as a tensor of their own (a view: rows are contiguous). */
    static Tensor rows(Tensor t, int first, int count) {
        if (t.type() == GgmlType.Q4_0_R16) return RowBlocks.rows(t, first, count);
        long bytes = t.rowBytes();
        return new Tensor(t.name() + "[" + first + ":" + (first + count) + "]", t.type(), new long[] {t.shape()[0], count},
                t.data().asSlice(first * bytes, count * bytes));
    }

    /** The tensor's kernels; an unsupported type fails here, at load, not at the first token. */
    private TypeOps supported(Tensor t) {
        try {
            return TypeOps.of(t.type());
        } catch (IllegalArgumentException e) {
            throw new GgufFormatException(file.path() + ": tensor '" + t.name() + "' has type " + t.type() + ", which Hearth cannot compute with yet");
        }
    }
}
