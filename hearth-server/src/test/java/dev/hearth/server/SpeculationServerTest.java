package dev.hearth.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.engine.Speculation;
import org.junit.jupiter.api.Test;

/** Prompt-lookup decoding through the server: the same completion, and timings report the drafts as llama-server does. */
class SpeculationServerTest {
    static final String STORY = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. "
            + "One day, she saw a big, red ball.\\nOnce upon a time, there was a little girl named Lily. She loved to";

    @Test
    void draftsAreReportedAndChangeNothing() throws Exception {
        String body = "{\"prompt\": \"" + STORY + "\", \"n_predict\": 120, \"temperature\": 0}";
        JsonNode plain = complete(Speculation.OFF, body), spec = complete(new Speculation(16, 0, 3, true), body);
        assertThat(spec.get("content").asText()).isEqualTo(plain.get("content").asText());
        assertThat(plain.get("timings").has("draft_n")).isFalse();
        JsonNode t = spec.get("timings");
        assertThat(t.get("draft_n").asInt()).isPositive();
        assertThat(t.get("draft_n_accepted").asInt()).isPositive().isLessThanOrEqualTo(t.get("draft_n").asInt());
        assertThat(t.get("predicted_n").asInt()).isEqualTo(120);
    }

    private static JsonNode complete(Speculation spec, String body) throws Exception {
        try (HearthServer s = new HearthServer(ServerConfig.defaults(ServerTest.MODEL).withPort(0).withSlots(1, 512).withThreads(1)
                .withSpeculation(spec)).start()) {
            s.awaitReady();
            TestClient.Response r = new TestClient(s.port()).post("/completion", body);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            return r.json();
        }
    }
}
