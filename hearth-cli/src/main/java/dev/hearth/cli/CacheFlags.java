package dev.hearth.cli;

import dev.hearth.model.CacheOptions;
import picocli.CommandLine.Option;

/**
 * llama.cpp's attention flags, with its environment variables as defaults: {@code -fa on|off|auto}
 * (auto is on for the CPU, as llama.cpp resolves it), {@code -ctk/-ctv f16|q8_0} (a quantized V cache
 * needs flash attention).
 */
final class CacheFlags {
    @Option(names = {"-fa", "--flash-attn"}, arity = "0..1", fallbackValue = "on", defaultValue = "${env:LLAMA_ARG_FLASH_ATTN:-auto}",
            description = "flash attention: on|off|auto (auto = on for the CPU; default ${DEFAULT-VALUE}; env LLAMA_ARG_FLASH_ATTN)") String flashAttn;
    @Option(names = {"-ctk", "--cache-type-k"}, defaultValue = "${env:LLAMA_ARG_CACHE_TYPE_K:-f16}",
            description = "KV cache key type: f16|q8_0 (default ${DEFAULT-VALUE}; env LLAMA_ARG_CACHE_TYPE_K)") String cacheTypeK;
    @Option(names = {"-ctv", "--cache-type-v"}, defaultValue = "${env:LLAMA_ARG_CACHE_TYPE_V:-f16}",
            description = "KV cache value type: f16|q8_0, q8_0 needs flash attention (default ${DEFAULT-VALUE}; env LLAMA_ARG_CACHE_TYPE_V)") String cacheTypeV;

    CacheOptions options() {
        return CacheOptions.resolve(flashAttn, cacheTypeK, cacheTypeV);
    }
}
