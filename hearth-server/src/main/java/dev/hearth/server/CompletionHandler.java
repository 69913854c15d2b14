package dev.hearth.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.engine.CompletionRequest;
import dev.hearth.engine.CompletionResult;
import dev.hearth.engine.EngineTask;
import dev.hearth.engine.PromptTooLongException;
import dev.hearth.engine.TokenEvent;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The four generating routes. One request's path: read the JSON ({@link CompletionParams}), build
 * the prompt tokens (raw prompt, chat template, or FIM), submit to the engine, then either wait for
 * the result or stream each engine event as an SSE {@code data:} line. A failed write means the
 * client left: the task is cancelled, which frees its slot at the scheduler's next step.
 */
final class CompletionHandler {
    enum Kind { NATIVE, INFILL, OAI_COMPLETION, OAI_CHAT }

    private final Supplier<LoadedModel> model;
    private final ServerConfig cfg;

    CompletionHandler(Supplier<LoadedModel> model, ServerConfig cfg) {
        this.model = model;
        this.cfg = cfg;
    }

    /** Requests being answered; shutdown waits for them to write their final event. */
    final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();

    void handle(Context ctx, Kind kind) throws InterruptedException {
        inFlight.incrementAndGet();
        try {
            generate(ctx, kind);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void generate(Context ctx, Kind kind) throws InterruptedException {
        LoadedModel m = model.get();
        ObjectNode body = Json.body(ctx, cfg.maxBodyBytes());
        String modelName = body.path("model").isTextual() ? body.get("model").asText() : m.alias;
        int ctxSlot = m.engine.contextPerSlot();
        CompletionParams p = CompletionParams.read(body, cfg, m.tokenizer, ctxSlot);

        boolean logprobs = false;
        int topLogprobs = 0;
        if (kind == Kind.OAI_CHAT) {
            CompletionParams.Reader r = new CompletionParams.Reader(body);
            logprobs = r.bool("logprobs", false);
            topLogprobs = r.integer("top_logprobs", 0);
            if (topLogprobs < 0 || topLogprobs > 20) throw ApiError.invalid("top_logprobs must be between 0 and 20");
            if (logprobs) p.nProbs = Math.max(1, topLogprobs);
        } else if (kind == Kind.OAI_COMPLETION && body.has("logprobs") && !body.get("logprobs").isNull()) {
            JsonNode lp = body.get("logprobs");
            if (!lp.isIntegralNumber() || lp.asInt() < 0) throw ApiError.invalid("'logprobs' must be a non-negative integer");
            logprobs = lp.asInt() > 0;
            topLogprobs = lp.asInt();
            p.nProbs = topLogprobs;
        }

        String promptText;
        int[] tokens;
        switch (kind) {
            case OAI_CHAT -> {
                promptText = ChatPrompt.render(body, m);
                tokens = m.tokenizer.encode(promptText, true, true);
            }
            case INFILL -> {
                tokens = InfillPrompt.build(body, m.tokenizer, cfg.spmInfill(), cfg.batchSize(), ctxSlot, p.nPredict);
                promptText = m.tokenizer.decode(tokens);
            }
            default -> {
                JsonNode prompt = body.get("prompt");
                tokens = Prompts.tokens(prompt, m.tokenizer);
                promptText = prompt.isTextual() ? prompt.asText() : m.tokenizer.decode(tokens);
            }
        }
        if (tokens.length == 0) throw ApiError.invalid("the prompt is empty");

        CompletionRequest req = new CompletionRequest(tokens, p.sampling, p.nPredict, p.stop, p.nProbs,
                p.postSamplingProbs, p.tMaxPredictMs, p.cachePrompt, p.idSlot, p.nIndent);
        ResponseFormat format = switch (kind) {
            case NATIVE, INFILL -> new NativeFormat(modelName, promptText, req, m.tokenizer, p.returnTokens, p.stream);
            case OAI_COMPLETION -> new OpenAiFormat(false, modelName, m.tokenizer, logprobs, topLogprobs, p.includeUsage);
            case OAI_CHAT -> new OpenAiFormat(true, modelName, m.tokenizer, logprobs, topLogprobs, p.includeUsage);
        };

        EventQueue events = new EventQueue();
        EngineTask task;
        try {
            task = m.engine.submit(req, events);
        } catch (PromptTooLongException e) {
            throw new ApiError(400, "exceed_context_size_error", e.getMessage(),
                    Map.of("n_prompt_tokens", e.promptTokens, "n_ctx", e.contextSize));
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid(e.getMessage());
        } catch (IllegalStateException e) {
            throw ApiError.unavailable(e.getMessage());
        }
        if (p.stream) stream(ctx, format, events, task);
        else answer(ctx, format, events, task);
    }

    private static void answer(Context ctx, ResponseFormat format, EventQueue events, EngineTask task) throws InterruptedException {
        try {
            while (true) {
                Object item = events.take();
                if (item instanceof CompletionResult r) {
                    ctx.contentType("application/json").result(Json.write(format.whole(r)));
                    return;
                }
                if (item instanceof EventQueue.Failure f) throw ApiError.server(f.message());
            }
        } catch (InterruptedException e) {
            task.cancel();
            throw e;
        }
    }

    private static void stream(Context ctx, ResponseFormat format, EventQueue events, EngineTask task) throws InterruptedException {
        HttpServletResponse res = ctx.res();
        res.setStatus(200);
        res.setContentType("text/event-stream");
        res.setCharacterEncoding("utf-8");
        res.setHeader("Cache-Control", "no-cache");
        try {
            OutputStream out = res.getOutputStream();
            for (ObjectNode o : format.opening()) send(out, Json.write(o));
            out.flush();
            while (true) {
                Object item = events.take();
                if (item instanceof TokenEvent e) {
                    for (ObjectNode o : format.partial(e)) send(out, Json.write(o));
                } else if (item instanceof CompletionResult r) {
                    for (ObjectNode o : format.closing(r)) send(out, Json.write(o));
                    if (format.endsWithDone()) send(out, "[DONE]");
                    out.flush();
                    return;
                } else if (item instanceof EventQueue.Failure f) {
                    send(out, Json.write(Json.error(ApiError.server(f.message()))));
                    out.flush();
                    return;
                }
                out.flush();
            }
        } catch (IOException e) {
            // the client went away mid-stream
            task.cancel();
        } catch (InterruptedException e) {
            task.cancel();
            throw e;
        }
    }

    private static void send(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    }
}
