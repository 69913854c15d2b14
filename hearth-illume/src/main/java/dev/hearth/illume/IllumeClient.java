package dev.hearth.illume;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Sends a prepared request and streams the reply to the output, flushing after every event, with
 * Illume's framing: a chat reply begins with {@code \n\n!assistant\n\n} and the {@code !prepend}
 * text, so appending the output to the buffer makes the next turn; a non-200 status is the error
 * {@code HTTP STATUS: BODY}; {@code !stats} appends a {@code !note} line. For infill requests the
 * middle goes through {@link ScopeStop} (unless disabled), which stops reading once the generation
 * has closed the hole's scope and trims what followed.
 */
public final class IllumeClient {
    /** Headers Java's client will not let a caller set; Go would send them, Hearth leaves them out. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    private final HttpClient http;
    private final boolean scopeStop;
    private final String fileName;

    /**
     * @param scopeStop whether infill replies are cut where the hole's scope closes
     * @param fileName the edited file's name, if known, to choose the language of the hole
     */
    public IllumeClient(boolean scopeStop, String fileName) {
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NORMAL) // as Go's default client does
                .build();
        this.scopeStop = scopeStop;
        this.fileName = fileName;
    }

    public void send(PreparedRequest request, OutputStream out) throws IllumeException, IOException {
        if (request.debug()) {
            out.write(GoUtf8.encode(request.debugText()));
            out.flush();
            return;
        }
        HttpRequest httpRequest = toHttpRequest(request);
        long start = System.nanoTime();
        HttpResponse<InputStream> response;
        try {
            response = http.send(httpRequest, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new IllumeException(HttpErrors.describe(request.url(), e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllumeException("interrupted");
        }
        long responded = System.nanoTime();
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                String text = GoUtf8.decode(body.readAllBytes());
                throw new IllumeException("HTTP " + response.statusCode() + ": " + text);
            }
            if (request.type() == RequestType.CHAT) {
                write(out, "\n\n!assistant\n\n" + request.prepend());
            }
            int events;
            try {
                events = stream(request, body, out);
            } catch (IOException e) {
                // the body broke off mid-stream; Go's reader says "unexpected EOF"
                throw new IllumeException("unexpected EOF");
            }
            long done = System.nanoTime();
            if (request.stats()) {
                double rate = events / ((done - responded) / 1e9);
                write(out, "\n\n!note " + GoFormat.g3(rate) + " tok/s, " + events + " toks, "
                        + GoFormat.duration(responded - start));
            }
        }
    }

    private int stream(PreparedRequest request, InputStream body, OutputStream out)
            throws IOException, IllumeException {
        SseReader events = new SseReader(body);
        ResponseDecoder decoder = new ResponseDecoder(request.gptOss());
        MiddleWriter middle = request.isInfill() && scopeStop
                ? new MiddleWriter(ScopeStop.forHole(request.prefix(), request.suffix(),
                        CodeLanguage.detect(fileName, request.prefix(), request.suffix())))
                : null;
        int count = 0;
        for (String payload = events.next(); payload != null; payload = events.next()) {
            String text = decoder.decode(payload);
            count++;
            if (middle == null) {
                write(out, text);
                continue;
            }
            boolean more = middle.accept(text);
            write(out, middle.drain());
            if (!more) {
                break; // the hole is filled: stop reading, which also lets the server stop
            }
        }
        if (middle != null) {
            write(out, middle.finish());
        }
        return count;
    }

    private static void write(OutputStream out, String text) throws IOException {
        if (!text.isEmpty()) {
            out.write(GoUtf8.encode(text)); // bytes as they came, like Go
        }
        out.flush();
    }

    private static HttpRequest toHttpRequest(PreparedRequest request) throws IllumeException {
        String url = request.url();
        String quoted = GoQuote.quote(url);
        if (url.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllumeException("parse " + quoted + ": net/url: invalid control character in URL");
        }
        URI uri;
        try {
            // Go's parser takes a space in a path or query; Java's wants it escaped
            uri = new URI(url.replace(" ", "%20"));
        } catch (java.net.URISyntaxException e) {
            throw new IllumeException("parse " + quoted + ": " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllumeException("Post " + quoted + ": unsupported protocol scheme \"" + scheme + "\"");
        }
        if (uri.getHost() == null) {
            throw new IllumeException("Post " + quoted + ": http: no Host in request URL");
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .POST(HttpRequest.BodyPublishers.ofString(request.body(), StandardCharsets.UTF_8));
        for (var header : request.headers().entrySet()) {
            if (RESTRICTED.contains(header.getKey().toLowerCase(java.util.Locale.ROOT))) {
                continue;
            }
            try {
                builder.header(header.getKey(), header.getValue());
            } catch (IllegalArgumentException e) {
                throw new IllumeException("net/http: invalid header field for \"" + header.getKey() + "\"");
            }
        }
        return builder.build();
    }

    /** Holds back the part of the middle a later scope decision could still cut. */
    static final class MiddleWriter {
        private final ScopeStop scope;
        private final StringBuilder middle = new StringBuilder();
        private int emitted;
        private int releasable;

        MiddleWriter(ScopeStop scope) {
            this.scope = scope;
        }

        /** Returns false once the scope is closed and nothing more should be read. */
        boolean accept(String text) {
            middle.append(text);
            ScopeStop.Decision decision = scope.decide(middle);
            releasable = Math.max(emitted, Math.min(decision.length(), middle.length()));
            if (decision.stop()) {
                middle.setLength(releasable);
                return false;
            }
            return true;
        }

        String drain() {
            String out = middle.substring(emitted, releasable);
            emitted = releasable;
            return out;
        }

        String finish() {
            String out = middle.substring(emitted);
            emitted = middle.length();
            return out;
        }
    }
}
