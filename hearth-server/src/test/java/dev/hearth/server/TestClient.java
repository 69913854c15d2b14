package dev.hearth.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** A small HTTP client for the tests: JSON in, JSON or SSE events out. */
final class TestClient {
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    final String base;

    TestClient(int port) {
        base = "http://127.0.0.1:" + port;
    }

    record Response(int status, String body, String contentType) {
        JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    Response get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60)).GET();
        if (headers.length > 0) b.headers(headers);
        return send(b.build());
    }

    Response post(String path, String json, String... headers) throws Exception {
        return postBytes(path, json.getBytes(java.nio.charset.StandardCharsets.UTF_8), headers);
    }

    Response postBytes(String path, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) b.headers(headers);
        return send(b.build());
    }

    private Response send(HttpRequest req) throws Exception {
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
    }

    /** The payloads of an SSE stream's {@code data:} lines, checking the blank-line framing. */
    List<String> stream(String path, String json) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
        HttpResponse<Stream<String>> r = http.send(req, HttpResponse.BodyHandlers.ofLines());
        if (r.statusCode() != 200) throw new AssertionError("status " + r.statusCode() + ": " + String.join("\n", r.body().toList()));
        if (!r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) throw new AssertionError("not SSE");
        List<String> data = new ArrayList<>();
        List<String> lines = r.body().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty()) continue;
            if (!line.startsWith("data: ")) throw new AssertionError("unexpected SSE line: " + line);
            if (i + 1 >= lines.size() || !lines.get(i + 1).isEmpty()) throw new AssertionError("event not followed by a blank line: " + line);
            data.add(line.substring(6));
        }
        return data;
    }

    static JsonNode parse(String s) {
        try {
            return Json.MAPPER.readTree(s);
        } catch (IOException e) {
            throw new AssertionError(s, e);
        }
    }
}
