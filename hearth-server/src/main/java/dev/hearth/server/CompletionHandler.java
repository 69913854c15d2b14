package dev.hearth.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.engine.CompletionRequest;
import dev.hearth.engine.CompletionResult;
import dev.hearth.engine.EngineTask;
import dev.hearth.engine.PromptTooLongException;
import dev.hearth.engine.TextStop;
import dev.hearth.engine.TokenEvent;
import dev.hearth.illume.CodeLanguage;
import dev.hearth.illume.ScopeStop;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The four generating routes. One request's path: read the JSON ({@link CompletionParams}), build
 * the prompt tokens (raw prompt, chat template, or FIM), submit to the engine, then either wait for
 * the result or stream each engine event as an SSE {@code data:} line. A failed write (a stream) or a
 * closed connection (a whole answer, {@link ClientWatch}) means the client left: the task is cancelled,
 * which frees its slot at the scheduler's next step.
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

    /**
     * The code-aware stop for /infill: the hole is between input_prefix (+ prompt) and input_suffix,
     * which editors send as windows of the file, not the whole file; the language comes from the
     * first input_extra file name, else from the code itself.
     */
    private static TextStop scopeStop(ObjectNode body) {
        String prefix = body.path("input_prefix").asText("") + (body.path("prompt").isTextual() ? body.get("prompt").asText() : "");
        String suffix = body.path("input_suffix").asText("");
        JsonNode extra = body.path("input_extra");
        String fileName = extra.isArray() && !extra.isEmpty() ? extra.get(0).path("filename").asText(null) : null;
        ScopeStop stop = ScopeStop.forHole(prefix, suffix, CodeLanguage.detect(fileName, prefix, suffix), false);
        return generated -> {
            ScopeStop.Decision d = stop.decide(generated);
            return new TextStop.Decision(d.stop(), d.length());
        };
    }

    private void generate(Context ctx, Kind kind) throws InterruptedException {
        LoadedModel m = model.get();
        ObjectNode body = Json.body(ctx, cfg.maxBodyBytes());
        CompletionParams p = CompletionParams.read(body, cfg, m.tokenizer, m.engine.contextPerSlot());
        Logprobs lp = openAiLogprobs(kind, body, p);
        PromptSet prompts = prompts(kind, body, m, p);

        TextStop scope = kind == Kind.INFILL && p.scopeStop ? scopeStop(body) : null;
        List<CompletionRequest> requests = new ArrayList<>();
        for (int[] t : prompts.tokens())
            requests.add(new CompletionRequest(t, p.sampling, p.nPredict, p.stop, p.nProbs,
                    p.postSamplingProbs, p.tMaxPredictMs, p.cachePrompt, p.idSlot, p.nIndent, scope));
        String modelName = body.path("model").isTextual() ? body.get("model").asText() : m.alias;
        ResponseFormat format = switch (kind) {
            case NATIVE, INFILL -> new NativeFormat(modelName, prompts.texts(), requests.get(0), m.tokenizer, p.returnTokens, p.stream, p.responseFields);
            case OAI_COMPLETION -> new OpenAiFormat(false, modelName, m.tokenizer, lp.on(), lp.top(), p.includeUsage);
            case OAI_CHAT -> new OpenAiFormat(true, modelName, m.tokenizer, lp.on(), lp.top(), p.includeUsage);
        };

        EventQueue events = new EventQueue(p.stream);
        List<EngineTask> tasks = submit(m, requests, events);
        try {
            if (p.stream) stream(ctx, format, events, tasks.size());
            else answer(ctx, format, events, tasks, tasks.size());
        } finally {
            // whatever ended this request (done, client gone, error), nothing of it keeps running
            tasks.forEach(EngineTask::cancel);
        }
    }

    /** OpenAI's logprobs switches: {@code logprobs}/{@code top_logprobs} on chat, an integer {@code logprobs} on completions. */
    private record Logprobs(boolean on, int top) { }

    private static Logprobs openAiLogprobs(Kind kind, ObjectNode body, CompletionParams p) {
        CompletionParams.Reader r = new CompletionParams.Reader(body);
        if (kind == Kind.OAI_CHAT) {
            if (r.integer("n", 1) != 1) throw ApiError.invalid("only one completion choice is allowed (n = 1)");
            boolean on = r.bool("logprobs", false);
            int top = r.integer("top_logprobs", 0);
            if (top < 0 || top > 20) throw ApiError.invalid("top_logprobs must be between 0 and 20");
            if (on) p.nProbs = Math.max(1, top);
            return new Logprobs(on, top);
        }
        if (kind == Kind.OAI_COMPLETION && body.has("logprobs") && !body.get("logprobs").isNull()) {
            int n = r.integer("logprobs", 0);
            if (n < 0) throw ApiError.invalid("'logprobs' must be a non-negative integer");
            p.nProbs = n;
            return new Logprobs(n > 0, n);
        }
        return new Logprobs(false, 0);
    }

    /** The prompts of a request as tokens, with the text each answer reports as its prompt. */
    private record PromptSet(List<int[]> tokens, List<String> texts) { }

    private PromptSet prompts(Kind kind, ObjectNode body, LoadedModel m, CompletionParams p) {
        List<int[]> tokens = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        switch (kind) {
            case OAI_CHAT -> {
                String text = ChatPrompt.render(body, m);
                tokens.add(m.tokenizer.encode(text, true, true));
                texts.add(text);
            }
            case INFILL -> {
                int[] t = InfillPrompt.build(body, m.tokenizer, cfg.spmInfill(), cfg.batchSize(), m.engine.contextPerSlot(), p.nPredict);
                tokens.add(t);
                texts.add(m.tokenizer.decode(t));
            }
            default -> {
                JsonNode prompt = body.get("prompt");
                tokens.addAll(Prompts.many(prompt, m.tokenizer));
                for (int[] t : tokens) texts.add(tokens.size() == 1 && prompt.isTextual() ? prompt.asText() : m.tokenizer.decode(t));
            }
        }
        if (tokens.size() > m.engine.slotCount() * 16L) throw ApiError.invalid("too many prompts in one request: " + tokens.size());
        for (int[] t : tokens) if (t.length == 0) throw ApiError.invalid("the prompt is empty");
        return new PromptSet(tokens, texts);
    }

    /** Queues every prompt; if one is refused, the ones already queued are cancelled and the refusal is the answer. */
    private static List<EngineTask> submit(LoadedModel m, List<CompletionRequest> requests, EventQueue events) {
        List<EngineTask> tasks = new ArrayList<>();
        try {
            for (int i = 0; i < requests.size(); i++) tasks.add(m.engine.submit(requests.get(i), events.listener(i)));
            return tasks;
        } catch (RuntimeException e) {
            tasks.forEach(EngineTask::cancel);
            throw switch (e) {
                case PromptTooLongException t -> new ApiError(400, "exceed_context_size_error", t.getMessage(),
                        Map.of("n_prompt_tokens", t.promptTokens, "n_ctx", t.contextSize));
                case IllegalArgumentException a -> ApiError.invalid(a.getMessage());
                case IllegalStateException s -> ApiError.unavailable(s.getMessage());
                default -> e;
            };
        }
    }

    /**
     * Waits for every prompt's result and writes the whole answer. Nothing is written before, so a client
     * that leaves is noticed by watching its connection ({@link ClientWatch}); then the caller cancels the tasks.
     */
    private static void answer(Context ctx, ResponseFormat format, EventQueue events, List<EngineTask> tasks, int count) throws InterruptedException {
        CompletionResult[] results = new CompletionResult[count];
        // cancelled right from Jetty's callback: the scheduler drops them at its next step, without waiting for this thread
        ClientWatch watch = ClientWatch.start(ctx, () -> {
            tasks.forEach(EngineTask::cancel);
            events.clientGone();
        });
        try {
            for (int done = 0; done < count; ) {
                EventQueue.Item item = events.take();
                if (item.payload() instanceof CompletionResult r) { results[item.index()] = r; done++; }
                else if (item.payload() instanceof EventQueue.Failure f) throw ApiError.server(f.message());
                else if (item.payload() == EventQueue.CLIENT_GONE) return;
            }
        } finally {
            watch.stop();
        }
        ctx.contentType("application/json").result(Json.write(format.whole(List.of(results))));
    }

    private static void stream(Context ctx, ResponseFormat format, EventQueue events, int count) throws InterruptedException {
        HttpServletResponse res = ctx.res();
        res.setStatus(200);
        res.setContentType("text/event-stream");
        res.setCharacterEncoding("utf-8");
        res.setHeader("Cache-Control", "no-cache");
        CompletionResult[] results = new CompletionResult[count];
        // the stream is closed here (its last chunk written) before the handler returns, on every path: shutdown stops the
        // server as soon as no handler runs, and a response Jetty had yet to finish then lost its last chunk (the client read EOF)
        try (OutputStream out = res.getOutputStream()) {
            for (ObjectNode o : format.opening()) send(out, Json.write(o));
            out.flush();
            for (int done = 0; done < count; ) {
                EventQueue.Item item = events.take();
                switch (item.payload()) {
                    case TokenEvent e -> {
                        for (ObjectNode o : format.partial(item.index(), e)) send(out, Json.write(o));
                    }
                    case CompletionResult r -> {
                        results[item.index()] = r;
                        done++;
                        for (ObjectNode o : format.closing(item.index(), r)) send(out, Json.write(o));
                    }
                    case EventQueue.Failure f -> {
                        send(out, Json.write(Json.error(ApiError.server(f.message()))));
                        return;
                    }
                    default -> throw new IllegalStateException("unexpected event " + item);
                }
                out.flush();
            }
            for (ObjectNode o : format.ending(List.of(results))) send(out, Json.write(o));
            if (format.endsWithDone()) send(out, "[DONE]");
        } catch (IOException e) {
            // the client went away mid-stream: the caller cancels the tasks, which frees their slots
        }
    }

    private static void send(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    }
}
