package dev.hearth.model;

import java.util.Locale;

/**
 * How a session's attention runs and what its KV cache stores: llama.cpp's context parameters
 * {@code flash_attn_type}, {@code type_k} and {@code type_v}.
 */
public record CacheOptions(boolean flashAttention, KvCacheType typeK, KvCacheType typeV) {
    /** llama.cpp without flash attention and an F16 cache: what the agreement golden data was made with. */
    public static final CacheOptions DEFAULT = new CacheOptions(false, KvCacheType.F16, KvCacheType.F16);

    public CacheOptions {
        // src/llama-context.cpp (llama_init_from_model): "quantized V cache requires flash_attn to be enabled"
        if (typeV != KvCacheType.F16 && !flashAttention)
            throw new IllegalArgumentException("quantized V cache requires flash attention (-fa on), got -fa off -ctv " + typeV.flagName());
    }

    /**
     * Applies llama.cpp's rules to the flags {@code -fa on|off|auto}, {@code -ctk}, {@code -ctv}. On a CPU
     * {@code auto} resolves to on (llama_context probes whether the flash-attention op runs on the KV
     * cache's device, and the CPU backend supports it); a quantized V cache turns {@code auto} on and is
     * refused with {@code off}.
     */
    public static CacheOptions resolve(String flashAttn, String cacheTypeK, String cacheTypeV) {
        KvCacheType k = KvCacheType.parse(cacheTypeK), v = KvCacheType.parse(cacheTypeV);
        boolean fa = switch (flashAttn.toLowerCase(Locale.ROOT)) {
            case "on", "1", "true", "enabled", "auto", "-1" -> true;
            case "off", "0", "false", "disabled" -> false;
            default -> throw new IllegalArgumentException("-fa takes on, off or auto, got '" + flashAttn + "'");
        };
        return new CacheOptions(fa, k, v);
    }

    /** The flags that give these options, as llama.cpp spells them. */
    public String describe() {
        return "-fa " + (flashAttention ? "on" : "off") + " -ctk " + typeK.flagName() + " -ctv " + typeV.flagName();
    }
}
