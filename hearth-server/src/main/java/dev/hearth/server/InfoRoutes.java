package dev.hearth.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.engine.EngineMetrics;
import dev.hearth.engine.SlotSnapshot;
import dev.hearth.model.ModelConfig;
import dev.hearth.sampling.SamplingSettings;
import io.javalin.http.Context;
import java.util.List;
import java.util.function.Supplier;

/** The read-only routes: health, model list, server properties, slots and Prometheus metrics. */
final class InfoRoutes {
    private final Supplier<LoadedModel> model;
    private final ServerConfig cfg;

    InfoRoutes(Supplier<LoadedModel> model, ServerConfig cfg) {
        this.model = model;
        this.cfg = cfg;
    }

    void health(Context ctx) {
        model.get(); // 503 while loading
        ctx.contentType("application/json").result("{\"status\":\"ok\"}");
    }

    void models(Context ctx) {
        LoadedModel m = model.get();
        ModelConfig c = m.model.config();
        ObjectNode root = Json.object();
        // the "models" list is what Ollama-style clients read; "data" is OpenAI's
        ObjectNode om = root.putArray("models").addObject();
        om.put("name", m.alias);
        om.put("model", m.alias);
        om.put("type", "model");
        om.putArray("capabilities").add("completion");
        root.put("object", "list");
        ObjectNode d = root.putArray("data").addObject();
        d.put("id", m.alias);
        d.put("object", "model");
        d.put("created", m.created);
        d.put("owned_by", "llamacpp");
        ObjectNode meta = d.putObject("meta");
        meta.put("vocab_type", m.tokenizer.vocabulary().type() == dev.hearth.tokenizer.Vocabulary.Type.SPM ? 1 : 2);
        meta.put("n_vocab", c.vocab());
        meta.put("n_ctx", m.engine.contextPerSlot());
        meta.put("n_ctx_train", c.contextTrain());
        meta.put("n_embd", c.embd());
        meta.put("n_params", m.parameterCount);
        meta.put("size", m.file.fileSize());
        json(ctx, root);
    }

    void props(Context ctx) {
        LoadedModel m = model.get();
        ObjectNode root = Json.object();
        SamplingSettings s = cfg.defaultSampling();
        ObjectNode dg = root.putObject("default_generation_settings");
        dg.put("id", 0);
        dg.put("id_task", -1);
        dg.put("n_ctx", m.engine.contextPerSlot());
        dg.put("speculative", false);
        dg.put("is_processing", false);
        dg.set("params", ResponseJson.settings(s, cfg.defaultNPredict(), List.of(), false, 0, false));
        root.put("total_slots", m.engine.slotCount());
        attention(root, m.engine.cacheOptions());
        root.put("model_alias", m.alias);
        root.put("model_path", cfg.model().toString());
        ObjectNode mod = root.putObject("modalities");
        mod.put("vision", false);
        mod.put("video", false);
        mod.put("audio", false);
        root.put("endpoint_slots", true);
        root.put("endpoint_props", false);
        root.put("endpoint_metrics", cfg.metrics());
        root.put("is_sleeping", false);
        root.put("chat_template", m.templateSource);
        root.put("bos_token", m.tokenizer.bos() < 0 ? "" : m.tokenizer.vocabulary().text(m.tokenizer.bos()));
        root.put("eos_token", m.tokenizer.eos() < 0 ? "" : m.tokenizer.vocabulary().text(m.tokenizer.eos()));
        root.put("build_info", "hearth " + OpenAiFormat.FINGERPRINT);
        root.put("ui", cfg.webui());
        json(ctx, root);
    }

    /** Hearth's additions (llama-server does not report them): the attention and KV cache settings in effect. */
    private static void attention(ObjectNode o, dev.hearth.model.CacheOptions c) {
        o.put("flash_attn", c.flashAttention());
        o.put("cache_type_k", c.typeK().flagName());
        o.put("cache_type_v", c.typeV().flagName());
    }

    void slots(Context ctx) {
        LoadedModel m = model.get();
        // llama-server's probe for load balancers: 503 when every slot is busy
        if ("1".equals(ctx.queryParam("fail_on_no_slot")) && m.engine.slots().stream().allMatch(SlotSnapshot::processing))
            throw ApiError.unavailable("no slot available");
        ArrayNode arr = Json.MAPPER.createArrayNode();
        for (SlotSnapshot s : m.engine.slots()) {
            ObjectNode o = arr.addObject();
            o.put("id", s.id());
            o.put("id_task", s.taskId());
            o.put("n_ctx", s.contextSize());
            attention(o, m.engine.cacheOptions());
            o.put("speculative", false);
            o.put("is_processing", s.processing());
            o.set("params", s.request() != null ? ResponseJson.settings(s.request(), false)
                    : ResponseJson.settings(cfg.defaultSampling(), cfg.defaultNPredict(), List.of(), false, 0, false));
            ObjectNode nt = o.putArray("next_token").addObject();
            nt.put("has_next_token", s.processing());
            nt.put("has_new_line", s.hasNewLine());
            nt.put("n_remain", s.nRemain());
            nt.put("n_decoded", s.nDecoded());
            nt.put("stopping_word", "");
            o.put("n_cached_tokens", s.cachedTokens());
        }
        ctx.contentType("application/json").result(Json.write(arr));
    }

    void metrics(Context ctx) {
        if (!cfg.metrics()) throw ApiError.notSupported("This server does not support metrics endpoint. Start it with `--metrics`");
        LoadedModel m = model.get();
        EngineMetrics e = m.engine.metrics;
        long busy = m.engine.slots().stream().filter(SlotSnapshot::processing).count();
        double promptS = e.promptSeconds.sum(), predS = e.predictedSeconds.sum();
        StringBuilder sb = new StringBuilder();
        metric(sb, "counter", "prompt_tokens_total", "Number of prompt tokens processed.", e.promptTokens.get());
        metric(sb, "counter", "prompt_seconds_total", "Prompt process time", promptS);
        metric(sb, "counter", "tokens_predicted_total", "Number of generation tokens processed.", e.predictedTokens.get());
        metric(sb, "counter", "tokens_predicted_seconds_total", "Predict process time", predS);
        metric(sb, "counter", "n_decode_total", "Total number of llama_decode() calls", e.decodeCalls.get());
        metric(sb, "gauge", "n_busy_slots_per_decode", "Average number of busy slots per llama_decode() call",
                e.decodeCalls.get() == 0 ? 0 : (double) e.busySlotsSum.get() / e.decodeCalls.get());
        metric(sb, "gauge", "prompt_tokens_seconds", "Average prompt throughput in tokens/s.", promptS == 0 ? 0 : e.promptTokens.get() / promptS);
        metric(sb, "gauge", "predicted_tokens_seconds", "Average generation throughput in tokens/s.", predS == 0 ? 0 : e.predictedTokens.get() / predS);
        metric(sb, "gauge", "requests_processing", "Number of requests processing.", busy);
        metric(sb, "gauge", "requests_deferred", "Number of requests deferred.", m.engine.waitingCount());
        metric(sb, "gauge", "n_tokens_max", "Largest observed n_tokens.", e.maxTokens.get());
        ctx.contentType("text/plain; version=0.0.4").result(sb.toString());
    }

    private static void metric(StringBuilder sb, String type, String name, String help, Number value) {
        sb.append("# HELP llamacpp:").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE llamacpp:").append(name).append(' ').append(type).append('\n');
        sb.append("llamacpp:").append(name).append(' ').append(value).append('\n');
    }

    static void json(Context ctx, ObjectNode node) {
        ctx.contentType("application/json").result(Json.write(node));
    }
}
