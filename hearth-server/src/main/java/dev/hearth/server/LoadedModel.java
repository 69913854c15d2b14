package dev.hearth.server;

import dev.hearth.chat.ChatTemplate;
import dev.hearth.chat.ChatTemplates;
import dev.hearth.engine.Engine;
import dev.hearth.gguf.GgufFile;
import dev.hearth.gguf.Tensor;
import dev.hearth.model.Model;
import dev.hearth.model.ModelConfig;
import dev.hearth.tensor.ComputePool;
import dev.hearth.tokenizer.Tokenizer;

/**
 * The model the server serves, with what every route needs: tokenizer, chat template and the
 * engine. Built once at startup (on a background thread, so {@code /health} can answer 503 meanwhile).
 */
final class LoadedModel implements AutoCloseable {
    final GgufFile file;
    final Model model;
    final Tokenizer tokenizer;
    final ChatTemplate template;
    final String templateSource;
    final ComputePool pool;
    final Engine engine;
    final String alias;
    final int contextTotal;
    final long parameterCount;
    final long created = System.currentTimeMillis() / 1000;

    LoadedModel(ServerConfig cfg) {
        file = GgufFile.open(cfg.model());
        try {
            model = Model.load(file);
            tokenizer = Tokenizer.load(file);
            String src = cfg.chatTemplate() != null ? cfg.chatTemplate() : file.getString("tokenizer.chat_template", null);
            template = ChatTemplates.forModel(src);
            templateSource = template.source();
            alias = cfg.alias() != null ? cfg.alias() : cfg.model().getFileName().toString();
            contextTotal = contextSize(cfg, model.config());
            long params = 0;
            for (Tensor t : file.tensors().values()) params += t.elementCount();
            parameterCount = params;
            pool = new ComputePool(cfg.threads());
            engine = new Engine(model, tokenizer, pool, cfg.slots(), contextTotal / cfg.slots(), cfg.batchSize(), cfg.cache(), cfg.speculation());
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /**
     * {@code -c 0} means the trained context; when its KV cache (keys and values of every layer, for
     * every slot, in the cache types) would take more than half the heap, it is capped to what fits, with a warning.
     * (The cache is native memory, not heap, but it counts against the JVM's direct-memory limit, which by default
     * is the maximum heap: the same bound.)
     */
    static int contextSize(ServerConfig cfg, ModelConfig c) {
        int ctx = cfg.contextSize() == 0 ? c.contextTrain() : cfg.contextSize();
        if (ctx < cfg.slots() * 2) throw new IllegalArgumentException("context " + ctx + " is too small for " + cfg.slots() + " slots");
        long perToken = dev.hearth.model.KvCache.bytesPerPosition(c, cfg.cache());
        long budget = Runtime.getRuntime().maxMemory() / 2;
        long fits = budget / Math.max(1, perToken);
        if (ctx > fits) {
            int capped = (int) Math.max(cfg.slots() * 2L, fits / cfg.slots() * cfg.slots());
            System.err.printf("warning: a KV cache for %d tokens needs %d MiB, more than half the heap; context capped to %d%n",
                    ctx, ctx * perToken >> 20, capped);
            ctx = capped;
        }
        return ctx;
    }

    @Override
    public void close() {
        engine.close();
        pool.close();
        file.close();
    }
}
