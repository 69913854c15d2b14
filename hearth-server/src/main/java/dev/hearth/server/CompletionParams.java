package dev.hearth.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.sampling.SamplerType;
import dev.hearth.sampling.SamplingSettings;
import dev.hearth.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A completion request's generation fields, read from its JSON with llama-server's names, aliases
 * and defaults ({@code params_from_json_cmpl}). Unknown fields are ignored, as llama-server does;
 * known fields of the wrong type or out of range are a 400 (llama-server would silently fall back to
 * the default, which hides client bugs).
 */
final class CompletionParams {
    boolean stream;
    boolean cachePrompt = true;
    int nPredict;
    List<String> stop = List.of();
    int nProbs;
    boolean postSamplingProbs;
    long tMaxPredictMs;
    int idSlot = -1;
    int nIndent;
    /** /infill only: end the infill once the generated middle closes the hole's scope (Hearth's; default on) */
    boolean scopeStop;
    boolean returnTokens;
    boolean includeUsage;
    /** native routes: answer only these fields ("timings/prompt_n" reaches into objects), as llama.vim asks */
    List<String> responseFields = List.of();
    SamplingSettings sampling;

    static CompletionParams read(ObjectNode body, ServerConfig cfg, Tokenizer tokenizer, int contextPerSlot) {
        CompletionParams p = new CompletionParams();
        Reader r = new Reader(body);
        p.stream = r.bool("stream", false);
        p.cachePrompt = r.bool("cache_prompt", true);
        p.returnTokens = r.bool("return_tokens", false);
        int n = r.integer("n_predict", Integer.MIN_VALUE);
        if (n == Integer.MIN_VALUE) n = r.integer("max_completion_tokens", Integer.MIN_VALUE);
        if (n == Integer.MIN_VALUE) n = r.integer("max_tokens", cfg.defaultNPredict());
        if (n < -1) throw ApiError.invalid("n_predict (max_tokens) must be -1 (unlimited) or more, got " + n);
        p.nPredict = n;
        p.tMaxPredictMs = r.integer("t_max_predict_ms", 0);
        p.idSlot = r.integer("id_slot", -1);
        p.nIndent = r.integer("n_indent", 0);
        if (p.nIndent < 0) throw ApiError.invalid("n_indent must be 0 or more");
        p.scopeStop = r.bool("scope_stop", true);
        p.nProbs = r.integer("n_probs", 0);
        if (p.nProbs < 0) throw ApiError.invalid("n_probs must be 0 or more");
        p.postSamplingProbs = r.bool("post_sampling_probs", false);
        p.responseFields = r.stringList("response_fields");
        JsonNode so = body.get("stream_options");
        if (so != null && so.isObject()) p.includeUsage = so.path("include_usage").asBoolean(false);

        SamplingSettings s = cfg.defaultSampling().copy();
        s.temperature = r.number("temperature", s.temperature);
        s.dynatempRange = r.number("dynatemp_range", s.dynatempRange);
        s.dynatempExponent = r.number("dynatemp_exponent", s.dynatempExponent);
        s.topK = r.integer("top_k", s.topK);
        s.topP = r.number("top_p", s.topP);
        s.minP = r.number("min_p", s.minP);
        s.topNSigma = r.number("top_n_sigma", s.topNSigma);
        s.xtcProbability = r.number("xtc_probability", s.xtcProbability);
        s.xtcThreshold = r.number("xtc_threshold", s.xtcThreshold);
        s.typicalP = r.number("typical_p", s.typicalP);
        s.penaltyLastN = r.integer("repeat_last_n", s.penaltyLastN);
        s.penaltyRepeat = r.number("repeat_penalty", s.penaltyRepeat);
        s.penaltyFrequency = r.number("frequency_penalty", s.penaltyFrequency);
        s.penaltyPresent = r.number("presence_penalty", s.penaltyPresent);
        s.dryMultiplier = r.number("dry_multiplier", s.dryMultiplier);
        s.dryBase = r.number("dry_base", s.dryBase);
        s.dryAllowedLength = r.integer("dry_allowed_length", s.dryAllowedLength);
        s.dryPenaltyLastN = r.integer("dry_penalty_last_n", s.dryPenaltyLastN);
        s.mirostat = r.integer("mirostat", s.mirostat);
        s.mirostatTau = r.number("mirostat_tau", s.mirostatTau);
        s.mirostatEta = r.number("mirostat_eta", s.mirostatEta);
        s.minKeep = r.integer("min_keep", s.minKeep);
        s.ignoreEos = r.bool("ignore_eos", s.ignoreEos);
        long seed = r.longValue("seed", s.seed);
        // llama.cpp's seed is 32 bits; -1 (or 2^32 - 1) draws a random one
        if (seed < -1 || seed > 0xFFFFFFFFL) throw ApiError.invalid("'seed' must be -1 (random) or between 0 and 4294967295");
        s.seed = seed == -1 ? SamplingSettings.RANDOM_SEED : seed;
        // -1 = the whole context, as in llama-server
        if (s.penaltyLastN < -1 || s.dryPenaltyLastN < -1) throw ApiError.invalid("repeat_last_n and dry_penalty_last_n must be -1 or more");
        if (s.penaltyLastN == -1) s.penaltyLastN = contextPerSlot;
        if (s.dryPenaltyLastN == -1) s.dryPenaltyLastN = contextPerSlot;
        if (s.mirostat < 0 || s.mirostat > 2) throw ApiError.invalid("mirostat must be 0, 1 or 2");
        JsonNode breakers = body.get("dry_sequence_breakers");
        if (breakers != null && !breakers.isNull()) {
            List<String> list = r.stringList("dry_sequence_breakers");
            if (list.isEmpty()) throw ApiError.invalid("dry_sequence_breakers must not be empty");
            s.drySequenceBreakers = list;
        }
        JsonNode samplers = body.get("samplers");
        if (samplers != null && !samplers.isNull()) {
            if (samplers.isTextual()) s.samplers = SamplerType.fromLetters(samplers.asText());
            else s.samplers = SamplerType.fromNames(r.stringList("samplers"));
        }
        JsonNode stop = body.get("stop");
        if (stop != null && !stop.isNull()) p.stop = stop.isTextual() ? List.of(stop.asText()) : r.stringList("stop");
        readLogitBias(body.get("logit_bias"), s, tokenizer);
        rejectConstraints(body);
        p.sampling = s;
        return p;
    }

    /**
     * Constrained sampling (OpenAI's {@code response_format} other than text, llama-server's {@code grammar} and
     * {@code json_schema}): Hearth has none, and output that silently ignored the constraint would look like an answer,
     * so a request that sets one is refused. An empty grammar or a null schema constrains nothing and passes.
     */
    private static void rejectConstraints(JsonNode body) {
        JsonNode fmt = body.get("response_format");
        if (fmt != null && !fmt.isNull() && !fmt.isObject()) throw ApiError.invalid("'response_format' must be an object such as {\"type\": \"text\"}");
        if (fmt != null && fmt.isObject()) {
            String type = fmt.path("type").asText("text");
            if (!type.equals("text")) throw needsGrammar("response_format " + type);
        }
        JsonNode grammar = body.get("grammar");
        if (grammar != null && !grammar.isNull() && !(grammar.isTextual() && grammar.asText().isEmpty())) throw needsGrammar("'grammar'");
        JsonNode schema = body.get("json_schema");
        if (schema != null && !schema.isNull()) throw needsGrammar("'json_schema'");
    }

    private static ApiError needsGrammar(String what) {
        return ApiError.notSupported(what + " needs grammar-constrained sampling, which Hearth does not support yet");
    }

    /**
     * The three forms llama-server takes: {@code [[id, bias], ["text", bias], …]} and OpenAI's
     * {@code {"id": bias}}; a bias of {@code false} bans the token. A text applies to each of its tokens.
     */
    private static void readLogitBias(JsonNode node, SamplingSettings s, Tokenizer tokenizer) {
        if (node == null || node.isNull()) return;
        int vocab = tokenizer.vocabularySize();
        if (node.isArray()) {
            for (JsonNode e : node) {
                if (!e.isArray() || e.size() != 2) throw ApiError.invalid("logit_bias entries must be [token, bias] pairs");
                addBias(e.get(0), e.get(1), s, tokenizer, vocab);
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode key = e.getKey().matches("-?\\d+") ? Json.MAPPER.getNodeFactory().numberNode(Long.parseLong(e.getKey()))
                        : Json.MAPPER.getNodeFactory().textNode(e.getKey());
                addBias(key, e.getValue(), s, tokenizer, vocab);
            }
        } else {
            throw ApiError.invalid("logit_bias must be an array of [token, bias] pairs or an object of token: bias");
        }
    }

    private static void addBias(JsonNode token, JsonNode bias, SamplingSettings s, Tokenizer tokenizer, int vocab) {
        float b;
        if (bias.isBoolean() && !bias.asBoolean()) b = Float.NEGATIVE_INFINITY;
        else if (bias.isNumber()) b = (float) bias.asDouble();
        else throw ApiError.invalid("a logit_bias value must be a number or false");
        if (token.isIntegralNumber()) {
            long id = token.asLong();
            if (id < 0 || id >= vocab) throw ApiError.invalid("logit_bias token " + id + " is outside the vocabulary (0.." + (vocab - 1) + ")");
            s.logitBias.merge((int) id, b, Float::sum);
        } else if (token.isTextual()) {
            for (int id : tokenizer.encode(token.asText(), false, false)) s.logitBias.merge(id, b, Float::sum);
        } else {
            throw ApiError.invalid("a logit_bias token must be a token id or a string");
        }
    }

    /** Typed field access that turns a wrong type into a 400 naming the field. */
    static final class Reader {
        private final ObjectNode body;

        Reader(ObjectNode body) { this.body = body; }

        boolean bool(String name, boolean def) {
            JsonNode n = body.get(name);
            if (n == null || n.isNull()) return def;
            if (!n.isBoolean()) throw wrongType(name, "a boolean");
            return n.asBoolean();
        }

        int integer(String name, int def) {
            long v = longValue(name, def);
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw ApiError.invalid("'" + name + "' is out of range");
            return (int) v;
        }

        long longValue(String name, long def) {
            JsonNode n = body.get(name);
            if (n == null || n.isNull()) return def;
            if (n.isIntegralNumber() && n.canConvertToLong()) return n.asLong();
            if (n.isIntegralNumber()) throw ApiError.invalid("'" + name + "' is out of range");
            double d = n.asDouble();
            if (n.isNumber() && d == Math.rint(d)) {
                if (Math.abs(d) >= 0x1p63) throw ApiError.invalid("'" + name + "' is out of range");
                return (long) d;
            }
            throw wrongType(name, "an integer");
        }

        float number(String name, float def) {
            JsonNode n = body.get(name);
            if (n == null || n.isNull()) return def;
            if (!n.isNumber()) throw wrongType(name, "a number");
            return (float) n.asDouble();
        }

        String string(String name, String def) {
            JsonNode n = body.get(name);
            if (n == null || n.isNull()) return def;
            if (!n.isTextual()) throw wrongType(name, "a string");
            return n.asText();
        }

        List<String> stringList(String name) {
            JsonNode n = body.get(name);
            if (n == null || n.isNull()) return List.of();
            if (!n.isArray()) throw wrongType(name, "an array of strings");
            List<String> out = new ArrayList<>();
            for (JsonNode e : n) {
                if (!e.isTextual()) throw wrongType(name, "an array of strings");
                out.add(e.asText());
            }
            return out;
        }

        private static ApiError wrongType(String name, String expected) {
            return ApiError.invalid("'" + name + "' must be " + expected);
        }
    }
}
