package dev.hearth.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.gguf.GgufValueType;
import dev.hearth.gguf.GgufWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The code-aware stop on {@code /infill}, with a scripted generation: a "bigram" model whose every
 * layer is zero, so the residual stream is the input token's one-hot embedding and the output matrix
 * alone picks the next token. After {@code <MID>} it writes the true middle of the hole, then closes
 * the enclosing function and goes on writing more functions forever, which is what code models do
 * when nothing stops them.
 */
class InfillScopeStopTest {
    /** The pieces generated after <MID>, in order; after the last it loops back to LOOP. */
    static final String[] SCRIPT = {"  x += 2;\n", "}\n", "\n", "int other() {\n", "  return 3;\n", "}\n\n", "int third() {\n", "  return 4;\n", "}\n\n\n"};
    static final int LOOP = 3;
    static final int FIRST = 262, PRE = 259, SUF = 260, MID = 261;
    static final int V = FIRST + SCRIPT.length, E = 288, FF = 32;

    @TempDir static Path dir;
    static HearthServer server;
    static TestClient client;

    static Path writeScriptedModel(Path p) {
        String[] tokens = new String[V];
        float[] scores = new float[V];
        int[] types = new int[V];
        tokens[0] = "<unk>"; types[0] = 2;
        tokens[1] = "<s>"; types[1] = 3;
        tokens[2] = "</s>"; types[2] = 3;
        for (int b = 0; b < 256; b++) { tokens[3 + b] = String.format("<0x%02X>", b); types[3 + b] = 6; }
        tokens[PRE] = "<PRE>"; tokens[SUF] = "<SUF>"; tokens[MID] = "<MID>";
        types[PRE] = types[SUF] = types[MID] = 3;
        for (int i = 0; i < SCRIPT.length; i++) { tokens[FIRST + i] = SCRIPT[i].replace(' ', '\u2581'); types[FIRST + i] = 1; }
        GgufWriter w = new GgufWriter().putString("general.architecture", "llama")
                .putU32("llama.context_length", 1024).putU32("llama.embedding_length", E).putU32("llama.block_count", 1)
                .putU32("llama.feed_forward_length", FF).putU32("llama.attention.head_count", 1)
                .putString("tokenizer.ggml.model", "llama").putStrings("tokenizer.ggml.tokens", tokens)
                .putFloats("tokenizer.ggml.scores", scores).putInts("tokenizer.ggml.token_type", types)
                .putU32("tokenizer.ggml.bos_token_id", 1).putU32("tokenizer.ggml.eos_token_id", 2)
                .putU32("tokenizer.ggml.unknown_token_id", 0)
                .putU32("tokenizer.ggml.fim_pre_token_id", PRE).putU32("tokenizer.ggml.fim_suf_token_id", SUF)
                .putU32("tokenizer.ggml.fim_mid_token_id", MID)
                .put("tokenizer.ggml.add_bos_token", GgufValueType.BOOL, true);
        float[] embd = new float[E * V];
        for (int t = 0; t < V; t++) embd[t * E + t] = 1; // one-hot
        float[] out = new float[E * V];
        for (int t = 0; t < V; t++) {
            int next = t == MID ? FIRST : t >= FIRST ? (t + 1 < V ? t + 1 : FIRST + LOOP) : 2;
            out[next * E + t] = 1; // row "next" reads column t: after t comes next
        }
        float[] ones = new float[E];
        java.util.Arrays.fill(ones, 1f);
        w.addTensor("token_embd.weight", new long[] {E, V}, embd);
        w.addTensor("blk.0.attn_norm.weight", new long[] {E}, ones);
        for (String n : new String[] {"attn_q", "attn_k", "attn_v", "attn_output"}) w.addTensor("blk.0." + n + ".weight", new long[] {E, E}, new float[E * E]);
        w.addTensor("blk.0.ffn_norm.weight", new long[] {E}, ones);
        w.addTensor("blk.0.ffn_gate.weight", new long[] {E, FF}, new float[E * FF]);
        w.addTensor("blk.0.ffn_up.weight", new long[] {E, FF}, new float[E * FF]);
        w.addTensor("blk.0.ffn_down.weight", new long[] {FF, E}, new float[E * FF]);
        w.addTensor("output_norm.weight", new long[] {E}, ones);
        w.addTensor("output.weight", new long[] {E, V}, out);
        w.write(p);
        return p;
    }

    @BeforeAll
    static void start() throws Exception {
        Path model = writeScriptedModel(dir.resolve("scripted-fim.gguf"));
        server = new HearthServer(ServerConfig.defaults(model).withPort(0).withSlots(1, 1024).withThreads(1)).start();
        server.awaitReady();
        client = new TestClient(server.port());
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    static final String HOLE = "\"input_prefix\":\"int main() {\\n  int x = 1;\\n\",\"input_suffix\":\"  return x;\\n}\\n\","
            + "\"input_extra\":[{\"filename\":\"main.c\",\"text\":\"\"}],\"n_predict\":64,\"temperature\":0";

    @Test
    void theInfillEndsWhereTheHoleEnds() throws Exception {
        JsonNode runaway = client.post("/infill", "{" + HOLE + ",\"scope_stop\":false}").json();
        assertThat(runaway.get("content").asText()).startsWith("  x += 2;\n}\n\nint other() {");
        assertThat(runaway.get("tokens_predicted").asInt()).isEqualTo(64);

        JsonNode stopped = client.post("/infill", "{" + HOLE + "}").json();
        assertThat(stopped.get("content").asText()).isEqualTo("  x += 2;\n");
        assertThat(stopped.get("stop_type").asText()).isEqualTo("scope");
        assertThat(stopped.get("tokens_predicted").asInt()).isEqualTo(2);
        System.out.printf("scope stop: %d tokens generated with it, %d without%n",
                stopped.get("tokens_predicted").asInt(), runaway.get("tokens_predicted").asInt());
    }

    @Test
    void streamingNeverSendsWhatTheStopCuts() throws Exception {
        String sse = client.post("/infill", "{" + HOLE + ",\"stream\":true}").body();
        StringBuilder content = new StringBuilder();
        for (String line : sse.split("\n"))
            if (line.startsWith("data: ")) content.append(Json.MAPPER.readTree(line.substring(6)).path("content").asText(""));
        assertThat(content.toString()).isEqualTo("  x += 2;\n");
    }
}
