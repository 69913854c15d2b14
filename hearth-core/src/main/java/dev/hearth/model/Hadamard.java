package dev.hearth.model;

/**
 * The orthonormal Walsh-Hadamard rotation llama.cpp applies to queries, keys and values when the KV
 * cache is quantized (src/llama-kv-cache.cpp attn_rot_k / attn_rot_v, src/llama-graph.cpp build_attn):
 * rotating spreads outliers over a block, so 8-bit blocks lose less. The rotation H/√n is its own
 * inverse and keeps dot products, so q·k is unchanged in exact arithmetic; only the quantization sees
 * different numbers, and Hearth must rotate too to quantize what llama.cpp quantizes.
 *
 * <p>Computed as ggml's CPU kernel does ({@code ggml_compute_forward_fwht_f32}): scale by 1/√n first,
 * then butterflies (u, v) → (u + v, u − v) at strides 1, 2, 4, … (the same float operations whatever
 * the vector width).
 */
final class Hadamard {
    private Hadamard() {}

    /**
     * The rotation size for keys: the largest power of two ≥ 64 dividing the head size, or 0 (no rotation)
     * unless the K cache is quantized and the head size a multiple of 64 (build_input_k_rot).
     */
    static int keySize(KvCacheType type, int headDim) {
        if (type == KvCacheType.F16 || headDim % 64 != 0) return 0;
        int n = 64;
        while (headDim % (2 * n) == 0) n *= 2;
        return n;
    }

    /** The rotation size for values: always 64 (build_input_v_rot: "smaller rotation matrices for V seem beneficial"), or 0. */
    static int valueSize(KvCacheType type, int headDim) {
        return type == KvCacheType.F16 || headDim % 64 != 0 ? 0 : 64;
    }

    /** Rotates each of the {@code len / n} consecutive blocks of {@code n} values at {@code x[off ..]} in place. */
    static void rotate(float[] x, int off, int len, int n) {
        float scale = 1.0f / (float) Math.sqrt(n); // ggml: 1.0f / sqrtf((float) n)
        for (int b = off; b < off + len; b += n) {
            for (int j = b; j < b + n; j++) x[j] *= scale;
            for (int half = 1; half < n; half <<= 1)
                for (int i = b; i < b + n; i += 2 * half)
                    for (int j = i; j < i + half; j++) {
                        float u = x[j], v = x[j + half];
                        x[j] = u + v;
                        x[j + half] = u - v;
                    }
        }
    }
}
