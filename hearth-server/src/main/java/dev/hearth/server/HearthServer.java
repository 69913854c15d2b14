package dev.hearth.server;

import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code hearth serve}: llama-server's HTTP API over the engine. Javalin (Jetty 12) runs each
 * request on a virtual thread; those threads only parse, queue and write, never compute: the
 * engine's scheduler thread runs the model. The model loads in the background after the port
 * opens, so {@code /health} answers 503 until it is ready.
 *
 * <p>Route map: see {@link #routes}. A completion goes {@link CompletionHandler} → engine
 * ({@code dev.hearth.engine.Engine}) → model, and comes back through {@link EventQueue} as SSE
 * or one JSON answer.
 */
public final class HearthServer implements AutoCloseable {
    private final ServerConfig cfg;
    private final CompletableFuture<LoadedModel> loading = new CompletableFuture<>();
    private Javalin app;
    private CompletionHandler completions;

    private final java.util.function.Function<ServerConfig, LoadedModel> loader;

    public HearthServer(ServerConfig cfg) {
        this(cfg, LoadedModel::new);
    }

    /** With another way to load the model (tests use it to hold the server in its loading state). */
    HearthServer(ServerConfig cfg, java.util.function.Function<ServerConfig, LoadedModel> loader) {
        this.cfg = cfg;
        this.loader = loader;
    }

    /** Opens the port and starts loading the model; returns once the port listens. */
    public HearthServer start() {
        app = Javalin.create(c -> {
            c.concurrency.useVirtualThreads = true;
            c.http.compressionStrategy = CompressionStrategy.NONE;
            // bodies are read and limited by Json.body, which answers an over-long body in JSON
            c.http.maxRequestSize = Long.MAX_VALUE;
            c.startup.showJavalinBanner = false;
            c.jetty.host = cfg.host();
            c.jetty.port = cfg.port();
            if (cfg.webui() && HearthServer.class.getResource("/webui/index.html") != null)
                c.staticFiles.add(s -> { s.hostedPath = "/"; s.directory = "/webui"; s.location = Location.CLASSPATH; });
            routes(c.routes);
        });
        app.start();
        Thread.ofPlatform().name("hearth-model-loader").daemon().start(() -> {
            try {
                loading.complete(loader.apply(cfg));
            } catch (Throwable t) {
                loading.completeExceptionally(t);
            }
        });
        return this;
    }

    private void routes(io.javalin.config.RoutesConfig r) {
        Access access = new Access(cfg.apiKeys());
        InfoRoutes info = new InfoRoutes(this::model, cfg);
        TokenRoutes tokens = new TokenRoutes(this::model, cfg);
        completions = new CompletionHandler(this::model, cfg);

        r.before(access::before);
        r.get("/health", info::health);
        r.get("/v1/health", info::health);
        r.get("/models", info::models);
        r.get("/v1/models", info::models);
        r.get("/props", info::props);
        r.get("/slots", info::slots);
        r.get("/metrics", info::metrics);
        r.post("/completion", ctx -> completions.handle(ctx, CompletionHandler.Kind.NATIVE));
        r.post("/completions", ctx -> completions.handle(ctx, CompletionHandler.Kind.NATIVE));
        r.post("/v1/completions", ctx -> completions.handle(ctx, CompletionHandler.Kind.OAI_COMPLETION));
        r.post("/chat/completions", ctx -> completions.handle(ctx, CompletionHandler.Kind.OAI_CHAT));
        r.post("/v1/chat/completions", ctx -> completions.handle(ctx, CompletionHandler.Kind.OAI_CHAT));
        r.post("/infill", ctx -> completions.handle(ctx, CompletionHandler.Kind.INFILL));
        r.post("/tokenize", tokens::tokenize);
        r.post("/detokenize", tokens::detokenize);
        r.post("/apply-template", tokens::applyTemplate);

        r.exception(ApiError.class, (e, ctx) -> error(ctx, e));
        r.exception(HttpResponseException.class, (e, ctx) -> error(ctx, new ApiError(e.getStatus(),
                e.getStatus() == 404 ? "not_found_error" : e.getStatus() >= 500 ? "server_error" : "invalid_request_error", e.getMessage(), Map.of())));
        r.exception(Exception.class, (e, ctx) -> error(ctx, ApiError.server("internal error: " + e)));
        r.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty() || !ctx.result().startsWith("{\"error\""))
                error(ctx, ApiError.notFound("File Not Found"));
        });
    }

    private static void error(io.javalin.http.Context ctx, ApiError e) {
        ctx.status(e.status).contentType("application/json").result(Json.write(Json.error(e)));
    }

    /** The loaded model, or the error a request gets while it is not there. */
    LoadedModel model() {
        if (!loading.isDone()) throw ApiError.unavailable("Loading model");
        try {
            return loading.join();
        } catch (Exception e) {
            throw ApiError.server("the model failed to load: " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
        }
    }

    /** Waits until the model is loaded (or failed to load, rethrowing why). */
    public void awaitReady() {
        try {
            loading.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
    }

    public int port() {
        return app.port();
    }

    /** Stops generating first (in-flight streams get an error event), then the HTTP server. */
    @Override
    public void close() {
        if (loading.isDone() && !loading.isCompletedExceptionally()) loading.join().close();
        // give the request threads a moment to write the error event the engine just sent them
        long end = System.nanoTime() + 2_000_000_000L;
        while (completions != null && completions.inFlight.get() > 0 && System.nanoTime() < end) Thread.onSpinWait();
        if (app != null) app.stop();
    }
}
