package dev.hearth.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Stopping the server (Ctrl-C) ends an open stream with an error event instead of cutting it silently. */
class ShutdownTest {
    @Test
    void openStreamGetsAFinalErrorEvent() throws Exception {
        HearthServer server = new HearthServer(ServerConfig.defaults(ServerTest.MODEL).withPort(0).withSlots(1, 8192).withThreads(1)).start();
        server.awaitReady();
        TestClient client = new TestClient(server.port());
        HttpRequest req = HttpRequest.newBuilder(URI.create(client.base + "/completion"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"Once\",\"n_predict\":-1,\"ignore_eos\":true,\"stream\":true}")).build();
        HttpResponse<java.io.InputStream> res = client.http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        List<String> data = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
            String line;
            boolean closed = false;
            while ((line = in.readLine()) != null) {
                if (!line.startsWith("data: ")) continue;
                data.add(line.substring(6));
                if (!closed) {
                    closed = true;
                    Thread.ofVirtual().start(server::close);
                }
            }
        }
        JsonNode last = TestClient.parse(data.getLast());
        assertThat(last.get("error").get("message").asText()).contains("shutting down");
        assertThat(last.get("error").get("type").asText()).isEqualTo("server_error");
    }
}
