package dev.hearth.server;

import dev.hearth.engine.Speculation;
import dev.hearth.model.CacheOptions;
import dev.hearth.sampling.SamplingSettings;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything {@code hearth serve} can set.
 *
 * @param contextSize      total KV cells (split evenly over the slots, as llama-server does); 0 = the trained context
 * @param apiKeys          accepted keys; empty = no authentication
 * @param alias            the model name reported and accepted; null = the file name
 * @param chatTemplate     a Jinja template overriding the model's; null = the model's (ChatML fallback)
 * @param maxBodyBytes     larger request bodies are refused with 413
 * @param defaultNPredict  n_predict when a request does not say (-1 = unlimited)
 * @param cache            flash attention and KV cache types (-fa, -ctk, -ctv)
 * @param speculation      prompt-lookup speculative decoding (--spec-type, --draft-max, --draft-min, --spec-ngram-size-n)
 */
public record ServerConfig(Path model, String host, int port, int contextSize, int slots, int threads, int batchSize,
                           List<String> apiKeys, String alias, boolean webui, boolean metrics, String chatTemplate,
                           boolean spmInfill, long maxBodyBytes, int defaultNPredict, SamplingSettings defaultSampling,
                           CacheOptions cache, Speculation speculation) {

    public static ServerConfig defaults(Path model) {
        return new ServerConfig(model, "127.0.0.1", 8080, 4096, 1, Runtime.getRuntime().availableProcessors(), 512,
                List.of(), null, true, false, null, false, 10L << 20, -1, new SamplingSettings(),
                CacheOptions.resolve("auto", "f16", "f16"), Speculation.DEFAULT);
    }

    public ServerConfig withPort(int p) {
        return new ServerConfig(model, host, p, contextSize, slots, threads, batchSize, apiKeys, alias, webui, metrics, chatTemplate, spmInfill, maxBodyBytes, defaultNPredict, defaultSampling, cache, speculation);
    }

    public ServerConfig withSlots(int n, int ctx) {
        return new ServerConfig(model, host, port, ctx, n, threads, batchSize, apiKeys, alias, webui, metrics, chatTemplate, spmInfill, maxBodyBytes, defaultNPredict, defaultSampling, cache, speculation);
    }

    public ServerConfig withApiKeys(List<String> keys) {
        return new ServerConfig(model, host, port, contextSize, slots, threads, batchSize, keys, alias, webui, metrics, chatTemplate, spmInfill, maxBodyBytes, defaultNPredict, defaultSampling, cache, speculation);
    }

    public ServerConfig withMetrics(boolean on) {
        return new ServerConfig(model, host, port, contextSize, slots, threads, batchSize, apiKeys, alias, webui, on, chatTemplate, spmInfill, maxBodyBytes, defaultNPredict, defaultSampling, cache, speculation);
    }

    public ServerConfig withMaxBodyBytes(long n) {
        return new ServerConfig(model, host, port, contextSize, slots, threads, batchSize, apiKeys, alias, webui, metrics, chatTemplate, spmInfill, n, defaultNPredict, defaultSampling, cache, speculation);
    }

    public ServerConfig withCache(CacheOptions c) {
        return new ServerConfig(model, host, port, contextSize, slots, threads, batchSize, apiKeys, alias, webui, metrics, chatTemplate, spmInfill, maxBodyBytes, defaultNPredict, defaultSampling, c, speculation);
    }

    public ServerConfig withSpeculation(Speculation sp) {
        return new ServerConfig(model, host, port, contextSize, slots, threads, batchSize, apiKeys, alias, webui, metrics, chatTemplate, spmInfill, maxBodyBytes, defaultNPredict, defaultSampling, cache, sp);
    }

    public ServerConfig withThreads(int n) {
        return new ServerConfig(model, host, port, contextSize, slots, n, batchSize, apiKeys, alias, webui, metrics, chatTemplate, spmInfill, maxBodyBytes, defaultNPredict, defaultSampling, cache, speculation);
    }
}
