package dev.hearth.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.engine.CompletionRequest;
import dev.hearth.engine.CompletionResult;
import dev.hearth.engine.TokenEvent;
import dev.hearth.tokenizer.Tokenizer;
import java.util.List;

/** llama.cpp's own completion JSON ({@code /completion}, {@code /infill}). */
final class NativeFormat implements ResponseFormat {
    private final String model;
    private final List<String> prompts;
    private final CompletionRequest request;
    private final Tokenizer tok;
    private final boolean returnTokens;
    private final boolean stream;
    private final List<String> responseFields;

    NativeFormat(String model, List<String> prompts, CompletionRequest request, Tokenizer tok, boolean returnTokens, boolean stream,
                 List<String> responseFields) {
        this.model = model;
        this.prompts = prompts;
        this.request = request;
        this.tok = tok;
        this.returnTokens = returnTokens;
        this.stream = stream;
        this.responseFields = responseFields;
    }

    @Override
    public List<ObjectNode> opening() {
        return List.of();
    }

    @Override
    public List<ObjectNode> partial(int index, TokenEvent e) {
        ObjectNode o = Json.object();
        o.put("index", index);
        o.put("content", e.text());
        ArrayNode ids = o.putArray("tokens");
        for (int id : e.tokens()) ids.add(id); // a stream always carries its token ids, as llama-server's does
        o.put("stop", false);
        o.put("id_slot", -1);
        o.put("tokens_predicted", e.tokensPredicted());
        o.put("tokens_evaluated", e.tokensEvaluated());
        if (request.nProbs() > 0)
            o.set("completion_probabilities", ResponseJson.probsArray(e.probs(), tok, request.postSamplingProbs(), request.nProbs()));
        return List.of(o);
    }

    @Override
    public List<ObjectNode> closing(int index, CompletionResult r) {
        return List.of(pick(finalObject(index, r, "", new int[0])));
    }

    @Override
    public List<ObjectNode> ending(List<CompletionResult> results) {
        return List.of();
    }

    /** One prompt: its object; several: an array of them, as llama-server answers. */
    @Override
    public JsonNode whole(List<CompletionResult> results) {
        ArrayNode all = Json.MAPPER.createArrayNode();
        for (int i = 0; i < results.size(); i++) {
            CompletionResult r = results.get(i);
            ObjectNode o = finalObject(i, r, r.content(), r.tokens());
            if (request.nProbs() > 0)
                o.set("completion_probabilities", ResponseJson.probsArray(r.probs(), tok, request.postSamplingProbs(), request.nProbs()));
            all.add(pick(o));
        }
        return all.size() == 1 ? all.get(0) : all;
    }

    private ObjectNode finalObject(int index, CompletionResult r, String content, int[] tokens) {
        ObjectNode o = Json.object();
        o.put("index", index);
        o.put("content", content);
        tokens(o, tokens);
        o.put("id_slot", r.slotId());
        o.put("stop", true);
        o.put("model", model);
        o.put("tokens_predicted", r.predictedN());
        o.put("tokens_evaluated", r.tokensEvaluated());
        o.set("generation_settings", ResponseJson.settings(request, stream));
        o.put("prompt", prompts.get(index));
        o.put("has_new_line", r.hasNewLine());
        o.put("truncated", r.contextFull());
        o.put("stop_type", r.stopType().wire);
        o.put("stopping_word", r.stoppingWord());
        o.put("tokens_cached", r.tokensCached());
        o.set("timings", ResponseJson.timings(r));
        return o;
    }

    /** llama-server's response_fields: keep only the listed paths, each under its path as the key. */
    private ObjectNode pick(ObjectNode full) {
        if (responseFields.isEmpty()) return full;
        ObjectNode out = Json.object();
        for (String path : responseFields) {
            JsonNode cur = full;
            for (String key : path.split("/", -1)) cur = cur != null && cur.isObject() ? cur.get(key) : null;
            if (cur != null) out.set(path, cur);
        }
        return out;
    }

    private void tokens(ObjectNode o, int[] ids) {
        ArrayNode a = o.putArray("tokens");
        if (returnTokens) for (int id : ids) a.add(id);
    }

    @Override
    public boolean endsWithDone() {
        return false;
    }
}
