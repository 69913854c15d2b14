package dev.hearth.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** While the model loads every route answers 503 in OpenAI's error shape; a model that fails to load is a 500. */
class LoadingTest {
    @Test
    void healthIs503UntilTheModelIsLoaded() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ServerConfig cfg = ServerConfig.defaults(ServerTest.MODEL).withPort(0).withThreads(1).withSlots(1, 256);
        try (HearthServer server = new HearthServer(cfg, c -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return new LoadedModel(c);
        }).start()) {
            TestClient client = new TestClient(server.port());
            ServerTest.assertError(client.get("/health"), 503, "unavailable_error");
            ServerTest.assertError(client.post("/completion", "{\"prompt\":\"hi\"}"), 503, "unavailable_error");
            assertThat(client.get("/health").json().get("error").get("message").asText()).isEqualTo("Loading model");
            release.countDown();
            server.awaitReady();
            assertThat(client.get("/health").status()).isEqualTo(200);
        }
    }

    @Test
    void aModelThatFailsToLoadIsAServerError() throws Exception {
        ServerConfig cfg = ServerConfig.defaults(java.nio.file.Path.of("../models/no-such-model.gguf")).withPort(0).withThreads(1);
        try (HearthServer server = new HearthServer(cfg).start()) {
            try {
                server.awaitReady();
            } catch (RuntimeException expected) {
                // the CLI exits here; the HTTP side still answers clearly
            }
            TestClient client = new TestClient(server.port());
            ServerTest.assertError(client.get("/health"), 500, "server_error");
            assertThat(client.get("/health").json().get("error").get("message").asText()).contains("failed to load");
        }
    }
}
