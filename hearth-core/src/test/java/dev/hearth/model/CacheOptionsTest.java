package dev.hearth.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** llama.cpp's rules for -fa / -ctk / -ctv (src/llama-context.cpp, common/arg.cpp). */
class CacheOptionsTest {
    @Test
    void autoIsOnForTheCpuAndQuantizedValuesNeedFlashAttention() {
        assertThat(CacheOptions.resolve("auto", "f16", "f16").flashAttention()).isTrue();
        assertThat(CacheOptions.resolve("auto", "q8_0", "q8_0")).isEqualTo(new CacheOptions(true, KvCacheType.Q8_0, KvCacheType.Q8_0));
        assertThat(CacheOptions.resolve("off", "q8_0", "f16")).isEqualTo(new CacheOptions(false, KvCacheType.Q8_0, KvCacheType.F16));
        assertThatThrownBy(() -> CacheOptions.resolve("off", "f16", "q8_0")).hasMessageContaining("quantized V cache requires flash attention");
    }

    @Test
    void badValuesAreRefusedByName() {
        assertThatThrownBy(() -> CacheOptions.resolve("maybe", "f16", "f16")).hasMessage("-fa takes on, off or auto, got 'maybe'");
        assertThatThrownBy(() -> CacheOptions.resolve("on", "q4_0", "f16")).hasMessageContaining("'q4_0' is not supported");
        assertThatThrownBy(() -> CacheOptions.resolve("on", "f16", "int3")).hasMessageContaining("unknown KV cache type 'int3'");
    }

    @Test
    void rotationSizesFollowLlamaCpp() {
        assertThat(Hadamard.keySize(KvCacheType.Q8_0, 128)).isEqualTo(128);
        assertThat(Hadamard.keySize(KvCacheType.Q8_0, 192)).isEqualTo(64);
        assertThat(Hadamard.keySize(KvCacheType.Q8_0, 32)).isZero();
        assertThat(Hadamard.keySize(KvCacheType.F16, 128)).isZero();
        assertThat(Hadamard.valueSize(KvCacheType.Q8_0, 128)).isEqualTo(64);
    }
}
