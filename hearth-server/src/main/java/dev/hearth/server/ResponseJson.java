package dev.hearth.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.engine.CompletionRequest;
import dev.hearth.engine.CompletionResult;
import dev.hearth.engine.StopType;
import dev.hearth.engine.TokenProbs;
import dev.hearth.sampling.SamplerType;
import dev.hearth.sampling.SamplingSettings;
import dev.hearth.sampling.TokenProbability;
import dev.hearth.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** JSON pieces shared by the response formats: timings, usage, token probabilities, generation settings. */
final class ResponseJson {
    private ResponseJson() { }

    static ObjectNode timings(CompletionResult r) {
        ObjectNode t = Json.object();
        t.put("cache_n", r.cacheN());
        t.put("prompt_n", r.promptN());
        t.put("prompt_ms", r.promptMs());
        t.put("prompt_per_token_ms", r.promptN() == 0 ? 0 : r.promptMs() / r.promptN());
        t.put("prompt_per_second", r.promptMs() == 0 ? 0 : 1e3 * r.promptN() / r.promptMs());
        t.put("predicted_n", r.predictedN());
        t.put("predicted_ms", r.predictedMs());
        t.put("predicted_per_token_ms", r.predictedN() == 0 ? 0 : r.predictedMs() / r.predictedN());
        t.put("predicted_per_second", r.predictedMs() == 0 ? 0 : 1e3 * r.predictedN() / r.predictedMs());
        if (r.draftN() > 0) { // as llama-server: only when drafts were verified
            t.put("draft_n", r.draftN());
            t.put("draft_n_accepted", r.draftAccepted());
        }
        return t;
    }

    static ObjectNode usage(CompletionResult r) {
        return usage(List.of(r));
    }

    /** Usage summed over the prompts of one request. */
    static ObjectNode usage(List<CompletionResult> results) {
        int completion = 0, prompt = 0, cached = 0;
        for (CompletionResult r : results) { completion += r.predictedN(); prompt += r.tokensEvaluated(); cached += r.cacheN(); }
        ObjectNode u = Json.object();
        u.put("completion_tokens", completion);
        u.put("prompt_tokens", prompt);
        u.put("total_tokens", completion + prompt);
        u.putObject("prompt_tokens_details").put("cached_tokens", cached);
        return u;
    }

    /** OpenAI's finish_reason: "stop" for an end token or stop string, "length" for a limit. */
    static String finishReason(CompletionResult r) {
        return r.stopType() == StopType.LIMIT ? "length" : "stop";
    }

    /**
     * One generated token's probabilities, llama-server style: {@code logprob}/{@code top_logprobs}
     * (the default) or {@code prob}/{@code top_probs} with post_sampling_probs.
     */
    static ObjectNode tokenProbs(TokenProbs p, Tokenizer tok, boolean post, int topN) {
        ObjectNode o = Json.object();
        describe(o, p.chosen(), tok, post);
        ArrayNode top = o.putArray(post ? "top_probs" : "top_logprobs");
        List<TokenProbability> list = p.top();
        for (int i = 0; i < Math.min(topN, list.size()); i++) describe(top.addObject(), list.get(i), tok, post);
        return o;
    }

    private static void describe(ObjectNode o, TokenProbability t, Tokenizer tok, boolean post) {
        byte[] bytes = tok.piece(t.id(), true);
        o.put("id", t.id());
        o.put("token", new String(bytes, StandardCharsets.UTF_8));
        ArrayNode b = o.putArray("bytes");
        for (byte x : bytes) b.add(x & 0xff);
        if (post) o.put("prob", t.prob());
        else o.put("logprob", t.prob() > 0 ? Math.log(t.prob()) : -9999.0);
    }

    static ArrayNode probsArray(List<TokenProbs> probs, Tokenizer tok, boolean post, int topN) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (TokenProbs p : probs) a.add(tokenProbs(p, tok, post, topN));
        return a;
    }

    /** llama-server's {@code generation_settings} / slot {@code params}. */
    static ObjectNode settings(SamplingSettings s, int nPredict, List<String> stop, boolean stream, int nProbs, boolean postSamplingProbs) {
        ObjectNode o = Json.object();
        o.put("n_predict", nPredict);
        o.put("seed", s.seed);
        o.put("temperature", s.temperature);
        o.put("dynatemp_range", s.dynatempRange);
        o.put("dynatemp_exponent", s.dynatempExponent);
        o.put("top_k", s.topK);
        o.put("top_p", s.topP);
        o.put("min_p", s.minP);
        o.put("top_n_sigma", s.topNSigma);
        o.put("xtc_probability", s.xtcProbability);
        o.put("xtc_threshold", s.xtcThreshold);
        o.put("typical_p", s.typicalP);
        o.put("repeat_last_n", s.penaltyLastN);
        o.put("repeat_penalty", s.penaltyRepeat);
        o.put("presence_penalty", s.penaltyPresent);
        o.put("frequency_penalty", s.penaltyFrequency);
        o.put("dry_multiplier", s.dryMultiplier);
        o.put("dry_base", s.dryBase);
        o.put("dry_allowed_length", s.dryAllowedLength);
        o.put("dry_penalty_last_n", s.dryPenaltyLastN);
        ArrayNode br = o.putArray("dry_sequence_breakers");
        s.drySequenceBreakers.forEach(br::add);
        o.put("mirostat", s.mirostat);
        o.put("mirostat_tau", s.mirostatTau);
        o.put("mirostat_eta", s.mirostatEta);
        ArrayNode st = o.putArray("stop");
        stop.forEach(st::add);
        o.put("max_tokens", nPredict);
        o.put("n_keep", 0);
        o.put("n_discard", 0);
        o.put("ignore_eos", s.ignoreEos);
        o.put("stream", stream);
        ArrayNode lb = o.putArray("logit_bias");
        s.logitBias.forEach((id, b) -> { ArrayNode pair = lb.addArray(); pair.add(id); if (b == Float.NEGATIVE_INFINITY) pair.add(false); else pair.add(b); });
        o.put("n_probs", nProbs);
        o.put("min_keep", s.minKeep);
        o.put("grammar", "");
        ArrayNode sm = o.putArray("samplers");
        for (SamplerType t : s.samplers) sm.add(t.canonical);
        o.put("speculative.n_max", 16);
        o.put("speculative.n_min", 0);
        o.put("speculative.p_min", 0.75);
        o.put("timings_per_token", false);
        o.put("post_sampling_probs", postSamplingProbs);
        return o;
    }

    static ObjectNode settings(CompletionRequest r, boolean stream) {
        return settings(r.sampling(), r.nPredict(), r.stop(), stream, r.nProbs(), r.postSamplingProbs());
    }
}
