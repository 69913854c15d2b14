package dev.hearth.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.engine.CompletionResult;
import dev.hearth.engine.TokenEvent;
import dev.hearth.engine.TokenProbs;
import dev.hearth.tokenizer.Tokenizer;
import java.util.List;
import java.util.UUID;

/**
 * OpenAI's objects as llama-server writes them: {@code chat.completion} / {@code chat.completion.chunk}
 * for {@code /v1/chat/completions}, {@code text_completion} for {@code /v1/completions}, with
 * llama-server's extra {@code timings}.
 */
final class OpenAiFormat implements ResponseFormat {
    static final String FINGERPRINT = "hearth-0.1.0";

    private final boolean chat;
    private final String model;
    private final Tokenizer tok;
    private final int topLogprobs;
    private final boolean logprobs;
    private final boolean includeUsage;
    private final String id;
    private final long created = System.currentTimeMillis() / 1000;

    /** @param logprobs whether to report per-token logprobs; topLogprobs alternatives each */
    OpenAiFormat(boolean chat, String model, Tokenizer tok, boolean logprobs, int topLogprobs, boolean includeUsage) {
        this.chat = chat;
        this.model = model;
        this.tok = tok;
        this.logprobs = logprobs;
        this.topLogprobs = topLogprobs;
        this.includeUsage = includeUsage;
        this.id = (chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "");
    }

    private ObjectNode envelope(boolean chunk) {
        ObjectNode o = Json.object();
        o.putArray("choices");
        o.put("created", created);
        o.put("id", id);
        o.put("model", model);
        o.put("system_fingerprint", FINGERPRINT);
        o.put("object", chat ? (chunk ? "chat.completion.chunk" : "chat.completion") : "text_completion");
        return o;
    }

    @Override
    public List<ObjectNode> opening() {
        if (!chat) return List.of();
        ObjectNode o = envelope(true);
        ObjectNode c = ((ArrayNode) o.get("choices")).addObject();
        c.putNull("finish_reason");
        c.put("index", 0);
        ObjectNode d = c.putObject("delta");
        d.put("role", "assistant");
        d.putNull("content");
        return List.of(o);
    }

    @Override
    public List<ObjectNode> partial(int index, TokenEvent e) {
        if (e.text().isEmpty() && !logprobs) return List.of();
        ObjectNode o = envelope(true);
        ObjectNode c = ((ArrayNode) o.get("choices")).addObject();
        c.putNull("finish_reason");
        c.put("index", index);
        if (chat) c.putObject("delta").put("content", e.text());
        else c.put("text", e.text());
        logprobs(c, e.probs());
        return List.of(o);
    }

    @Override
    public List<ObjectNode> closing(int index, CompletionResult r) {
        ObjectNode o = envelope(true);
        ObjectNode c = ((ArrayNode) o.get("choices")).addObject();
        c.put("finish_reason", ResponseJson.finishReason(r));
        c.put("index", index);
        if (chat) c.putObject("delta");
        else c.put("text", "");
        // llama-server puts usage in the last text_completion chunk, but in a chat stream only on request
        if (!chat) o.set("usage", ResponseJson.usage(r));
        o.set("timings", ResponseJson.timings(r));
        return List.of(o);
    }

    @Override
    public List<ObjectNode> ending(List<CompletionResult> results) {
        if (!includeUsage) return List.of();
        // stream_options.include_usage: OpenAI sends usage in one more chunk with no choices
        ObjectNode u = envelope(true);
        u.set("usage", ResponseJson.usage(results));
        return List.of(u);
    }

    @Override
    public ObjectNode whole(List<CompletionResult> results) {
        ObjectNode o = envelope(false);
        ArrayNode choices = (ArrayNode) o.get("choices");
        for (int i = 0; i < results.size(); i++) {
            CompletionResult r = results.get(i);
            ObjectNode c = choices.addObject();
            c.put("finish_reason", ResponseJson.finishReason(r));
            c.put("index", i);
            if (chat) {
                ObjectNode m = c.putObject("message");
                m.put("role", "assistant");
                m.put("content", r.content());
            } else {
                c.put("text", r.content());
            }
            logprobs(c, r.probs());
        }
        o.set("usage", ResponseJson.usage(results));
        if (results.size() == 1) o.set("timings", ResponseJson.timings(results.get(0)));
        return o;
    }

    private void logprobs(ObjectNode choice, List<TokenProbs> probs) {
        if (!logprobs) {
            if (!chat) choice.putNull("logprobs");
            return;
        }
        choice.putObject("logprobs").set("content", ResponseJson.probsArray(probs, tok, false, topLogprobs));
    }

    @Override
    public boolean endsWithDone() {
        return true;
    }
}
