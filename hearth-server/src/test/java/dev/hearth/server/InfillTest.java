package dev.hearth.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.gguf.GgufFile;
import dev.hearth.gguf.GgufValueType;
import dev.hearth.gguf.GgufWriter;
import dev.hearth.gguf.Tensor;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /infill} on a copy of the bundled model that declares FIM tokens (three byte tokens stand in
 * for PRE/SUF/MID: the layout of the prompt is what is checked, not the quality of the fill).
 */
class InfillTest {
    static final int PRE = 3, SUF = 4, MID = 5;
    @TempDir static Path dir;
    static HearthServer server;
    static TestClient client;

    @BeforeAll
    static void start() throws Exception {
        Path copy = dir.resolve("stories-fim.gguf");
        try (GgufFile f = GgufFile.open(ServerTest.MODEL)) {
            GgufWriter w = new GgufWriter();
            for (Map.Entry<String, Object> e : f.metadata().entrySet()) w.put(e.getKey(), f.metadataType(e.getKey()), e.getValue());
            w.putU32("tokenizer.ggml.fim_pre_token_id", PRE).putU32("tokenizer.ggml.fim_suf_token_id", SUF).putU32("tokenizer.ggml.fim_mid_token_id", MID);
            for (Tensor t : f.tensors().values()) w.addTensor(t.name(), t.type(), t.shape(), t.data().toArray(ValueLayout.JAVA_BYTE));
            w.write(copy);
        }
        assertThat(Files.size(copy)).isPositive();
        server = new HearthServer(ServerConfig.defaults(copy).withPort(0).withSlots(1, 1024).withThreads(1)).start();
        server.awaitReady();
        client = new TestClient(server.port());
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Test
    void prefixSuffixMiddleLayout() throws Exception {
        int pre = client.post("/tokenize", "{\"content\":\"def add(a, b):\\n    \"}").json().get("tokens").size();
        int suf = client.post("/tokenize", "{\"content\":\"\\n\\nprint(add(1, 2))\"}").json().get("tokens").size();
        JsonNode r = client.post("/infill", "{\"input_prefix\":\"def add(a, b):\\n    \",\"input_suffix\":\"\\n\\nprint(add(1, 2))\","
                + "\"n_predict\":8,\"temperature\":0,\"return_tokens\":true}").json();
        assertThat(r.get("stop").asBoolean()).isTrue();
        assertThat(r.get("tokens_predicted").asInt()).isPositive();
        // BOS, PRE, prefix, SUF, suffix, MID
        assertThat(r.get("tokens_evaluated").asInt()).isEqualTo(1 + 1 + pre + 1 + suf + 1);
    }

    @Test
    void extraContextAndPromptAreIncluded() throws Exception {
        JsonNode plain = client.post("/infill", "{\"input_prefix\":\"x = \",\"input_suffix\":\"\",\"n_predict\":2}").json();
        JsonNode more = client.post("/infill", "{\"input_prefix\":\"x = \",\"input_suffix\":\"\",\"prompt\":\"1 +\",\"n_predict\":2,"
                + "\"input_extra\":[{\"filename\":\"a.py\",\"text\":\"y = 2\\n\"}]}").json();
        assertThat(more.get("tokens_evaluated").asInt()).isGreaterThan(plain.get("tokens_evaluated").asInt() + 4);
    }

    @Test
    void badExtraContextIs400() throws Exception {
        ServerTest.assertError(client.post("/infill", "{\"input_prefix\":\"x\",\"input_extra\":[{\"text\":5}]}"), 400, "invalid_request_error");
        ServerTest.assertError(client.post("/infill", "{\"input_prefix\":\"x\",\"input_extra\":\"no\"}"), 400, "invalid_request_error");
    }
}
