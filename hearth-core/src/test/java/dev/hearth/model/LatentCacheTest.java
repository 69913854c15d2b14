package dev.hearth.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * DeepSeek-V2's KV cache takes the memory llama.cpp's does. Expected sizes are llama.cpp's own report for the
 * two deepseek2-tiny layouts of {@link RandomMoe} at 4096 cells ({@code llama_kv_cache: size = ...} of
 * ref-logits -c 4096): absorbed MLA "K (f16): 3.38 MiB, V (f16): 0.00 MiB" (one [kv_cmpr | k_pe] row per
 * token, the values a view of it), attn_kv_b layout "K (f16): 9.00 MiB, V (f16): 6.00 MiB".
 */
class LatentCacheTest {
    static ModelConfig config(int headsKv, int keyLength, int valueLength) {
        return new ModelConfig("deepseek2", 256, 3, 8, headsKv, keyLength, valueLength, 1344, 4096, 163840, 1e-6f, 10000f, 16, 1 / 40f);
    }

    @Test
    void absorbedLayoutCachesOnlyTheLatentRow() {
        KvCache c = new KvCache(config(1, 128 + 16, 128), 4096);
        assertThat(c.ggmlBytes()).isEqualTo(4096L * 144 * 2 * 3); // 3.375 MiB, as llama.cpp
        assertThat(c.bytes()).isEqualTo(c.ggmlBytes());           // F16 values kept as float16, 2 bytes each
        assertThat(KvCache.bytesPerPosition(config(1, 144, 128), CacheOptions.DEFAULT) * 4096).isEqualTo(c.bytes());
        assertThat(c.values).isSameAs(c.keys);
        assertThat(c.vRowBytes).isEqualTo(c.kRowBytes).isEqualTo(2 * 144); // a value row is read from its key row's start
    }

    @Test
    void kvbLayoutCachesFullHeads() {
        KvCache c = new KvCache(config(8, 48, 32), 4096);
        assertThat(c.ggmlBytes()).isEqualTo(15L << 20); // 9 MiB of keys + 6 MiB of values
        assertThat(c.values).isNotSameAs(c.keys);
        assertThat(c.bytes()).isEqualTo(c.ggmlBytes());
    }
}
