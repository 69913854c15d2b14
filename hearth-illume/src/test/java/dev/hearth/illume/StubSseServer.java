package dev.hearth.illume;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP server that records each request and answers with a scripted status and body,
 * written chunk by chunk (each flushed, optionally paced) the way a streaming server sends events.
 * It counts how many chunks it managed to write before the client went away.
 */
final class StubSseServer implements AutoCloseable {
    record Recorded(String method, String path, Map<String, List<String>> headers, String body) {}

    private final HttpServer server;
    final List<Recorded> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger chunksWritten = new AtomicInteger();
    private volatile int status = 200;
    private volatile List<String> chunks = List.of();
    private volatile long pauseMillis;

    StubSseServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    StubSseServer respond(int statusCode, List<String> bodyChunks) {
        this.status = statusCode;
        this.chunks = List.copyOf(bodyChunks);
        return this;
    }

    /** Server-sent events: each payload framed as {@code data: …} and a blank line. */
    StubSseServer events(List<String> payloads) {
        return respond(200, payloads.stream().map(p -> "data: " + p + "\n\n").toList());
    }

    StubSseServer pace(long millis) {
        this.pauseMillis = millis;
        return this;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                Map.copyOf(exchange.getRequestHeaders()), body));
        exchange.getResponseHeaders().add("content-type", status == 200 ? "text/event-stream" : "application/json");
        exchange.sendResponseHeaders(status, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            for (String chunk : chunks) {
                out.write(chunk.getBytes(StandardCharsets.UTF_8));
                out.flush();
                chunksWritten.incrementAndGet();
                if (pauseMillis > 0) {
                    Thread.sleep(pauseMillis);
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client went away: stop writing, as a server should
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
