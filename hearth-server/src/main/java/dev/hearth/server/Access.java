package dev.hearth.server;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Set;

/**
 * CORS and API keys, like llama-server: every response allows the caller's origin; preflight
 * {@code OPTIONS} requests are answered here; with keys configured, every route but the public ones
 * needs {@code Authorization: Bearer KEY} (or {@code X-Api-Key}), compared in constant time.
 */
final class Access {
    /** Routes anyone may call (the chat page's static files are public too: any GET that is not an API route). */
    private static final Set<String> PUBLIC = Set.of("/health", "/v1/health", "/models", "/v1/models");
    static final Set<String> API_GETS = Set.of("/props", "/slots", "/metrics");

    private final List<byte[]> keys;

    Access(List<String> keys) {
        this.keys = keys.stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
    }

    void before(Context ctx) {
        String origin = ctx.header("Origin");
        ctx.header("Access-Control-Allow-Origin", origin != null ? origin : "*");
        if (origin != null) ctx.header("Access-Control-Allow-Credentials", "true");
        if (ctx.req().getMethod().equals("OPTIONS")) {
            ctx.header("Access-Control-Allow-Methods", "GET, POST");
            ctx.header("Access-Control-Allow-Headers", "*");
            ctx.status(200).result("");
            ctx.skipRemainingHandlers();
            return;
        }
        if (keys.isEmpty()) return;
        String path = ctx.path();
        if (PUBLIC.contains(path)) return;
        if (ctx.req().getMethod().equals("GET") && !API_GETS.contains(path)) return; // static files of the chat page
        String given = ctx.header("Authorization");
        if (given != null && given.startsWith("Bearer ")) given = given.substring(7);
        else given = ctx.header("X-Api-Key");
        if (given == null || !accepted(given.getBytes(StandardCharsets.UTF_8))) throw ApiError.unauthorized();
    }

    private boolean accepted(byte[] given) {
        boolean ok = false;
        // check every key (no early exit) so the time taken does not tell which key came close
        for (byte[] k : keys) ok |= MessageDigest.isEqual(k, given);
        return ok;
    }
}
