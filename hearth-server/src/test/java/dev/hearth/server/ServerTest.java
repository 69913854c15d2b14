package dev.hearth.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.sampling.SamplingSettings;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Starts the real server with the bundled model on a free loopback port and drives every route over HTTP. */
class ServerTest {
    static final Path MODEL = Path.of("../models/stories260K.gguf");
    static final long BODY_LIMIT = 64 * 1024;
    static HearthServer server;
    static HearthServer keyed;
    static TestClient client;
    static TestClient keyedClient;

    @BeforeAll
    static void start() {
        ServerConfig cfg = ServerConfig.defaults(MODEL).withPort(0).withSlots(4, 4096).withThreads(1)
                .withMetrics(true).withMaxBodyBytes(BODY_LIMIT);
        server = new HearthServer(cfg).start();
        server.awaitReady();
        client = new TestClient(server.port());
        keyed = new HearthServer(ServerConfig.defaults(MODEL).withPort(0).withSlots(1, 256).withThreads(1)
                .withApiKeys(List.of("secret-one", "secret-two"))).start();
        keyed.awaitReady();
        keyedClient = new TestClient(keyed.port());
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (keyed != null) keyed.close();
    }

    static void assertError(TestClient.Response r, int status, String type) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/json");
        JsonNode e = r.json().get("error");
        assertThat(e).as(r.body()).isNotNull();
        assertThat(e.get("code").asInt()).isEqualTo(status);
        assertThat(e.get("type").asText()).isEqualTo(type);
        assertThat(e.get("message").asText()).isNotBlank().doesNotContain("Exception\n\tat");
    }

    @Test
    void healthModelsPropsSlotsMetrics() throws Exception {
        assertThat(client.get("/health").json().get("status").asText()).isEqualTo("ok");
        JsonNode models = client.get("/v1/models").json();
        assertThat(models.get("object").asText()).isEqualTo("list");
        assertThat(models.get("data").get(0).get("id").asText()).isEqualTo("stories260K.gguf");
        assertThat(models.get("data").get(0).get("meta").get("n_vocab").asInt()).isEqualTo(512);
        assertThat(client.get("/models").status()).isEqualTo(200);
        JsonNode props = client.get("/props").json();
        assertThat(props.get("total_slots").asInt()).isEqualTo(4);
        assertThat(props.get("default_generation_settings").get("n_ctx").asInt()).isEqualTo(1024);
        assertThat(props.get("default_generation_settings").get("params").get("top_k").asInt()).isEqualTo(40);
        assertThat(props.get("chat_template").asText()).contains("im_start");
        JsonNode slots = client.get("/slots").json();
        assertThat(slots).hasSize(4);
        assertThat(slots.get(0).get("n_ctx").asInt()).isEqualTo(1024);
        // the attention settings in effect: llama-server's default -fa auto is on for the CPU
        assertThat(props.get("flash_attn").asBoolean()).isTrue();
        assertThat(props.get("cache_type_k").asText()).isEqualTo("f16");
        assertThat(slots.get(0).get("flash_attn").asBoolean()).isTrue();
        assertThat(slots.get(0).get("cache_type_v").asText()).isEqualTo("f16");
        TestClient.Response metrics = client.get("/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("# TYPE llamacpp:prompt_tokens_total counter", "llamacpp:requests_processing ");
    }

    @Test
    void nativeCompletion() throws Exception {
        JsonNode r = client.post("/completion", "{\"prompt\":\"Once upon a time\",\"n_predict\":12,\"temperature\":0,\"return_tokens\":true,\"n_probs\":3}").json();
        assertThat(r.get("content").asText()).isNotBlank();
        assertThat(r.get("stop").asBoolean()).isTrue();
        assertThat(r.get("stop_type").asText()).isEqualTo("limit");
        assertThat(r.get("tokens_predicted").asInt()).isEqualTo(12);
        assertThat(r.get("tokens")).hasSize(12);
        assertThat(r.get("tokens_evaluated").asInt()).isGreaterThan(3);
        assertThat(r.get("timings").get("predicted_n").asInt()).isEqualTo(12);
        assertThat(r.get("generation_settings").get("temperature").asDouble()).isEqualTo(0.0);
        JsonNode probs = r.get("completion_probabilities");
        assertThat(probs).hasSize(12);
        assertThat(probs.get(0).get("top_logprobs")).hasSize(3);
        assertThat(probs.get(0).get("logprob").asDouble()).isLessThanOrEqualTo(0.0);
    }

    @Test
    void responseFieldsPickWhatTheClientAsks() throws Exception {
        JsonNode r = client.post("/completion", "{\"prompt\":\"Once\",\"n_predict\":3,\"response_fields\":[\"content\",\"timings/predicted_n\",\"nope/x\"]}").json();
        assertThat(r.size()).isEqualTo(2);
        assertThat(r.get("timings/predicted_n").asInt()).isEqualTo(3);
        assertThat(r.has("content")).isTrue();
    }

    @Test
    void nativeStreamingMatchesTheWholeAnswer() throws Exception {
        String req = "{\"prompt\":\"Once upon a time\",\"n_predict\":16,\"temperature\":0,\"cache_prompt\":false";
        String whole = client.post("/completion", req + "}").json().get("content").asText();
        List<String> events = client.stream("/completion", req + ",\"stream\":true}");
        StringBuilder text = new StringBuilder();
        for (String e : events.subList(0, events.size() - 1)) {
            JsonNode j = TestClient.parse(e);
            assertThat(j.get("stop").asBoolean()).isFalse();
            assertThat(j.get("tokens").size()).isPositive();
            assertThat(j.get("tokens_evaluated").asInt()).isEqualTo(5);
            text.append(j.get("content").asText());
        }
        JsonNode last = TestClient.parse(events.getLast());
        assertThat(last.get("stop").asBoolean()).isTrue();
        assertThat(last.get("timings").get("predicted_n").asInt()).isEqualTo(16);
        assertThat(text.toString()).isEqualTo(whole);
    }

    @Test
    void openAiCompletionAndChat() throws Exception {
        JsonNode c = client.post("/v1/completions", "{\"model\":\"m\",\"prompt\":\"Once\",\"max_tokens\":5,\"temperature\":0}").json();
        assertThat(c.get("object").asText()).isEqualTo("text_completion");
        assertThat(c.get("model").asText()).isEqualTo("m");
        assertThat(c.get("choices").get(0).get("text").asText()).isNotEmpty();
        assertThat(c.get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
        assertThat(c.get("usage").get("completion_tokens").asInt()).isEqualTo(5);

        String chatReq = "{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Tell a story\"}],\"max_tokens\":8,\"temperature\":0,\"logprobs\":true,\"top_logprobs\":2";
        JsonNode chat = client.post("/v1/chat/completions", chatReq + "}").json();
        assertThat(chat.get("object").asText()).isEqualTo("chat.completion");
        assertThat(chat.get("id").asText()).startsWith("chatcmpl-");
        JsonNode msg = chat.get("choices").get(0).get("message");
        assertThat(msg.get("role").asText()).isEqualTo("assistant");
        assertThat(chat.get("usage").get("total_tokens").asInt()).isEqualTo(chat.get("usage").get("prompt_tokens").asInt() + 8);
        JsonNode lp = chat.get("choices").get(0).get("logprobs").get("content");
        assertThat(lp).hasSize(8);
        assertThat(lp.get(0).get("top_logprobs")).hasSize(2);

        List<String> events = client.stream("/v1/chat/completions", chatReq + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
        assertThat(events.getLast()).isEqualTo("[DONE]");
        JsonNode first = TestClient.parse(events.getFirst());
        assertThat(first.get("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(first.get("choices").get(0).get("delta").get("role").asText()).isEqualTo("assistant");
        StringBuilder text = new StringBuilder();
        for (String e : events.subList(1, events.size() - 3)) text.append(TestClient.parse(e).get("choices").get(0).get("delta").get("content").asText());
        JsonNode fin = TestClient.parse(events.get(events.size() - 3));
        assertThat(fin.get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
        assertThat(fin.has("timings")).isTrue();
        JsonNode usage = TestClient.parse(events.get(events.size() - 2));
        assertThat(usage.get("choices")).isEmpty();
        assertThat(usage.get("usage").get("completion_tokens").asInt()).isEqualTo(8);
        assertThat(text.toString()).isEqualTo(msg.get("content").asText());
    }

    @Test
    void severalPromptsInOneRequest() throws Exception {
        String opts = ",\"n_predict\":6,\"temperature\":0,\"cache_prompt\":false}";
        String a = client.post("/completion", "{\"prompt\":\"Once upon a time\"" + opts).json().get("content").asText();
        String b = client.post("/completion", "{\"prompt\":\"The cat\"" + opts).json().get("content").asText();
        JsonNode both = client.post("/completion", "{\"prompt\":[\"Once upon a time\",\"The cat\"]" + opts).json();
        assertThat(both.isArray()).isTrue();
        assertThat(both.get(0).get("index").asInt()).isZero();
        assertThat(both.get(0).get("content").asText()).isEqualTo(a);
        assertThat(both.get(1).get("content").asText()).isEqualTo(b);

        JsonNode oai = client.post("/v1/completions", "{\"prompt\":[\"Once upon a time\",\"The cat\"]" + opts).json();
        assertThat(oai.get("choices")).hasSize(2);
        assertThat(oai.get("choices").get(1).get("index").asInt()).isEqualTo(1);
        assertThat(oai.get("choices").get(1).get("text").asText()).isEqualTo(b);
        assertThat(oai.get("usage").get("completion_tokens").asInt()).isEqualTo(12);

        List<String> events = client.stream("/v1/completions", "{\"stream\":true,\"prompt\":[\"Once upon a time\",\"The cat\"]" + opts);
        assertThat(events.getLast()).isEqualTo("[DONE]");
        StringBuilder[] texts = {new StringBuilder(), new StringBuilder()};
        for (String e : events.subList(0, events.size() - 1)) {
            JsonNode c = TestClient.parse(e).get("choices").get(0);
            texts[c.get("index").asInt()].append(c.get("text").asText());
        }
        assertThat(texts[0].toString()).isEqualTo(a);
        assertThat(texts[1].toString()).isEqualTo(b);
    }

    @Test
    void stopStringsEndTheAnswerAndAreNotReturned() throws Exception {
        String base = "{\"prompt\":\"Once upon a time\",\"n_predict\":30,\"temperature\":0";
        String full = client.post("/completion", base + "}").json().get("content").asText();
        String word = full.trim().split(" ")[2];
        JsonNode r = client.post("/completion", base + ",\"stop\":[\"" + word + "\"]}").json();
        assertThat(r.get("stop_type").asText()).isEqualTo("word");
        assertThat(r.get("stopping_word").asText()).isEqualTo(word);
        assertThat(r.get("content").asText()).isEqualTo(full.substring(0, full.indexOf(word)));
        StringBuilder streamed = new StringBuilder();
        for (String e : client.stream("/completion", base + ",\"stop\":[\"" + word + "\"],\"stream\":true}"))
            streamed.append(TestClient.parse(e).get("content").asText());
        assertThat(streamed.toString()).isEqualTo(r.get("content").asText());
    }

    @Test
    void logitBiasInAllThreeFormsAndSeededSampling() throws Exception {
        String base = "{\"prompt\":\"Once upon a time\",\"n_predict\":1,\"temperature\":0,\"return_tokens\":true";
        JsonNode plain = client.post("/completion", base + "}").json();
        int first = plain.get("tokens").get(0).asInt();
        String firstText = plain.get("content").asText();
        for (String bias : new String[] {"[[" + first + ", false]]", "{\"" + first + "\": -100}", "[[" + Json.MAPPER.writeValueAsString(firstText) + ", false]]"}) {
            JsonNode r = client.post("/completion", base + ",\"logit_bias\":" + bias + "}").json();
            assertThat(r.get("tokens").get(0).asInt()).as(bias).isNotEqualTo(first);
        }
        String seeded = "{\"prompt\":\"Once upon a time\",\"n_predict\":24,\"temperature\":1.5,\"top_k\":0,\"top_p\":1,\"min_p\":0,\"seed\":1234,\"samplers\":\"kt\"}";
        String a = client.post("/completion", seeded).json().get("content").asText();
        String b = client.post("/completion", seeded).json().get("content").asText();
        assertThat(a).isEqualTo(b);
        JsonNode settings = client.post("/completion", seeded).json().get("generation_settings");
        assertThat(settings.get("samplers").toString()).isEqualTo("[\"top_k\",\"temperature\"]");
        assertThat(settings.get("seed").asLong()).isEqualTo(1234);
    }

    /** Texts llama-server (same model, same requests) produced: seeded sampling draws exactly as llama.cpp's does. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', ignoreLeadingAndTrailingWhitespace = false, value = {
            "{\"prompt\":\"Once upon a time\",\"n_predict\":40,\"seed\":42,\"temperature\":1.0}|, there was a little girl named Lily. She had a wise old boy who loved to play in the woods. One day, she",
            "{\"prompt\":\"Lily\",\"n_predict\":40,\"seed\":3,\"temperature\":0.9,\"top_k\":20,\"top_p\":0.8,\"repeat_penalty\":1.3,\"presence_penalty\":0.5}| and Jack were playing in the park. They saw a big, red ball on the ground. The floor was not happy",
            "{\"prompt\":\"The dog\",\"n_predict\":30,\"seed\":11,\"xtc_probability\":0.5,\"xtc_threshold\":0.1,\"temperature\":1}| liked to help put the pole on a room. One day, the boy saw a big dog",
            "{\"prompt\":\"Once upon a time\",\"n_predict\":40,\"seed\":9,\"mirostat\":2}|, there was a little girl named Lily. She loved to build caves with her friends. One day, she went on a small b",
            "{\"prompt\":\"Once upon a time\",\"n_predict\":40,\"temperature\":0,\"dry_multiplier\":0.8,\"dry_allowed_length\":2}|, there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball.",
            "{\"prompt\":\"Once upon a time\",\"n_predict\":40,\"seed\":5,\"temperature\":1.0,\"dynatemp_range\":0.5,\"typical_p\":0.7}|, there was a little girl named Lily. She loved to play outside in the sun. One day, Lily's mom asked her to be c",
            "{\"prompt\":\"Once upon a time\",\"n_predict\":40,\"seed\":5,\"temperature\":1.0,\"top_n_sigma\":1.0}|, there was a little girl named Lily. She loved to play outside in the grass. One day, Lily went to the park"})
    void seededSamplingReproducesLlamaServer(String request, String expected) throws Exception {
        assertThat(client.post("/completion", request).json().get("content").asText()).isEqualTo(expected);
    }

    @Test
    void tokenizeDetokenizeRoundTripAndTemplate() throws Exception {
        JsonNode t = client.post("/tokenize", "{\"content\":\"Hello world, the cat sat.\"}").json();
        assertThat(t.get("tokens").size()).isGreaterThan(3);
        JsonNode d = client.post("/detokenize", "{\"tokens\":" + t.get("tokens") + "}").json();
        assertThat(d.get("content").asText()).isEqualTo("Hello world, the cat sat.");
        JsonNode pieces = client.post("/tokenize", "{\"content\":\"Hello\",\"with_pieces\":true,\"add_special\":true}").json();
        assertThat(pieces.get("tokens").get(0).get("id").asInt()).isEqualTo(1); // BOS
        assertThat(pieces.get("tokens").get(1).has("piece")).isTrue();
        JsonNode tpl = client.post("/apply-template", "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}").json();
        assertThat(tpl.get("prompt").asText()).isEqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void infillWithoutFimTokensIs501() throws Exception {
        assertError(client.post("/infill", "{\"input_prefix\":\"def f(\",\"input_suffix\":\"\\n\"}"), 501, "not_supported_error");
    }

    static List<Arguments> badInputs() {
        String longPrompt = "\"" + "the cat sat on the mat. ".repeat(300) + "\"";
        return List.of(
                Arguments.of("malformed JSON", "/completion", "{\"prompt\": \"hi\",".getBytes(), 400, "invalid_request_error"),
                Arguments.of("not an object", "/completion", "[1,2]".getBytes(), 400, "invalid_request_error"),
                Arguments.of("wrong type", "/completion", "{\"prompt\":\"hi\",\"n_predict\":\"ten\"}".getBytes(), 400, "invalid_request_error"),
                Arguments.of("wrong prompt type", "/completion", "{\"prompt\":{\"a\":1}}".getBytes(), 400, "invalid_request_error"),
                Arguments.of("missing prompt", "/completion", "{}".getBytes(), 400, "invalid_request_error"),
                Arguments.of("missing messages", "/v1/chat/completions", "{\"model\":\"x\"}".getBytes(), 400, "invalid_request_error"),
                Arguments.of("empty messages", "/v1/chat/completions", "{\"messages\":[]}".getBytes(), 400, "invalid_request_error"),
                Arguments.of("message without role", "/v1/chat/completions", "{\"messages\":[{\"content\":\"x\"}]}".getBytes(), 400, "invalid_request_error"),
                Arguments.of("n_predict below -1", "/completion", "{\"prompt\":\"hi\",\"n_predict\":-2}".getBytes(), 400, "invalid_request_error"),
                Arguments.of("token outside vocabulary", "/completion", "{\"prompt\":[1, 99999]}".getBytes(), 400, "invalid_request_error"),
                Arguments.of("bad logit_bias", "/completion", "{\"prompt\":\"hi\",\"logit_bias\":7}".getBytes(), 400, "invalid_request_error"),
                Arguments.of("prompt over the context", "/completion", ("{\"prompt\":" + longPrompt + "}").getBytes(), 400, "exceed_context_size_error"),
                Arguments.of("invalid UTF-8", "/completion", new byte[] {'{', '"', 'p', 'r', 'o', 'm', 'p', 't', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'}, 400, "invalid_request_error"),
                Arguments.of("oversized body", "/completion", ("{\"prompt\":\"" + "a".repeat((int) BODY_LIMIT + 10) + "\"}").getBytes(), 413, "invalid_request_error"),
                // far over the limit, still a clean 413: the server reads the body to its end first (Json.DRAIN_LIMIT)
                Arguments.of("oversized body of 4 MB", "/completion", ("{\"prompt\":\"" + "a".repeat(4 << 20) + "\"}").getBytes(), 413, "invalid_request_error"),
                Arguments.of("json_object response format", "/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"response_format\":{\"type\":\"json_object\"}}".getBytes(), 501, "not_supported_error"),
                Arguments.of("a grammar", "/completion", "{\"prompt\":\"hi\",\"grammar\":\"root ::= \\\"a\\\"\"}".getBytes(), 501, "not_supported_error"),
                Arguments.of("a json_schema", "/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"json_schema\":{\"type\":\"object\"}}".getBytes(), 501, "not_supported_error"),
                Arguments.of("several chat choices", "/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"n\":2}".getBytes(), 400, "invalid_request_error"),
                Arguments.of("id_slot that does not exist", "/completion", "{\"prompt\":\"hi\",\"id_slot\":9}".getBytes(), 400, "invalid_request_error"),
                Arguments.of("stop of the wrong type", "/completion", "{\"prompt\":\"hi\",\"stop\":[1]}".getBytes(), 400, "invalid_request_error"),
                Arguments.of("seed out of range", "/completion", "{\"prompt\":\"hi\",\"seed\":1e30}".getBytes(), 400, "invalid_request_error"),
                Arguments.of("response_format not an object", "/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"response_format\":\"json\"}".getBytes(), 400, "invalid_request_error"),
                Arguments.of("image content part", "/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}]}".getBytes(), 400, "invalid_request_error"),
                Arguments.of("empty body", "/completion", new byte[0], 400, "invalid_request_error"),
                Arguments.of("detokenize bad ids", "/detokenize", "{\"tokens\":[\"a\"]}".getBytes(), 400, "invalid_request_error"),
                Arguments.of("unknown route", "/no/such/route", "{}".getBytes(), 404, "not_found_error"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputGetsAJsonErrorAndTheServerKeepsServing(String name, String path, byte[] body, int status, String type) throws Exception {
        assertError(client.postBytes(path, body), status, type);
        assertThat(client.get("/health").status()).isEqualTo(200);
    }

    @Test
    void chatPageIsServedWithoutAKey() throws Exception {
        TestClient.Response page = keyedClient.get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.body()).contains("<title>Hearth</title>").doesNotContain("http://", "https://");
        assertThat(keyedClient.get("/app.js").status()).isEqualTo(200);
        assertThat(keyedClient.get("/markdown.js").status()).isEqualTo(200);
    }

    @Test
    void unknownGetRouteIs404() throws Exception {
        assertError(client.get("/v1/nothing"), 404, "not_found_error");
    }

    @Test
    void apiKeyProtectsAllButThePublicRoutes() throws Exception {
        assertError(keyedClient.post("/completion", "{\"prompt\":\"hi\",\"n_predict\":1}"), 401, "authentication_error");
        assertError(keyedClient.post("/completion", "{\"prompt\":\"hi\",\"n_predict\":1}", "Authorization", "Bearer wrong"), 401, "authentication_error");
        assertError(keyedClient.get("/props"), 401, "authentication_error");
        assertThat(keyedClient.get("/health").status()).isEqualTo(200);
        assertThat(keyedClient.get("/v1/models").status()).isEqualTo(200);
        assertThat(keyedClient.post("/completion", "{\"prompt\":\"hi\",\"n_predict\":1}", "Authorization", "Bearer secret-two").status()).isEqualTo(200);
        // CORS preflight needs no key
        var pre = keyedClient.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(keyedClient.base + "/completion"))
                .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()).header("Origin", "http://example.test").build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(pre.statusCode()).isEqualTo(200);
        assertThat(pre.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://example.test");
    }

    @Test
    void secondRequestSharingAPrefixEvaluatesOnlyTheNewTokens() throws Exception {
        String prefix = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park with her friends. One day";
        JsonNode first = client.post("/completion", "{\"prompt\":\"" + prefix + "\",\"n_predict\":2,\"temperature\":0}").json();
        JsonNode second = client.post("/completion", "{\"prompt\":\"" + prefix + ", she saw a big dog\",\"n_predict\":2,\"temperature\":0}").json();
        int prefixTokens = first.get("tokens_evaluated").asInt();
        JsonNode t = second.get("timings");
        assertThat(t.get("cache_n").asInt()).isGreaterThanOrEqualTo(prefixTokens - 1);
        assertThat(t.get("prompt_n").asInt()).isEqualTo(second.get("tokens_evaluated").asInt() - t.get("cache_n").asInt());
        assertThat(t.get("prompt_n").asInt()).isLessThan(10);
        assertThat(second.get("tokens_cached").asInt()).isGreaterThan(prefixTokens);
    }

    @Test
    void clientDisconnectMidStreamFreesTheSlotWithin100ms() throws Exception {
        String body = "{\"prompt\":\"Once upon a time\",\"n_predict\":100000,\"ignore_eos\":true,\"stream\":true,\"id_slot\":3,\"cache_prompt\":false}";
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /completion HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            // wait for the first event so the generation is surely running
            String seen = "";
            byte[] buf = new byte[4096];
            while (!seen.contains("data: ")) {
                int n = in.read(buf);
                if (n < 0) throw new AssertionError("stream ended early: " + seen);
                seen += new String(buf, 0, n, StandardCharsets.UTF_8);
            }
            assertThat(client.get("/slots").json().get(3).get("is_processing").asBoolean()).isTrue();
        }
        long closed = System.nanoTime();
        JsonNode slot;
        do {
            slot = client.get("/slots").json().get(3);
        } while (slot.get("is_processing").asBoolean() && System.nanoTime() - closed < 5_000_000_000L);
        long ms = (System.nanoTime() - closed) / 1_000_000;
        System.out.printf("stream: slot freed %d ms after the client left%n", ms);
        assertThat(slot.get("is_processing").asBoolean()).isFalse();
        assertThat(ms).as("slot freed after %d ms", ms).isLessThan(100);
        // it was the disconnect that ended it, not the context filling up
        assertThat(slot.get("next_token").get(0).get("n_decoded").asInt()).isLessThan(1000);
    }

    @Test
    void clientDisconnectDuringANonStreamedAnswerFreesTheSlotWithin100ms() throws Exception {
        String body = "{\"prompt\":\"Once upon a time\",\"n_predict\":100000,\"ignore_eos\":true,\"id_slot\":2,\"cache_prompt\":false}";
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /completion HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            out.flush();
            // no bytes come back before the answer is whole: wait until the slot is generating
            long t0 = System.nanoTime();
            while (!client.get("/slots").json().get(2).get("is_processing").asBoolean()) {
                if (System.nanoTime() - t0 > 5_000_000_000L) throw new AssertionError("the request never started");
                Thread.sleep(5);
            }
            Thread.sleep(50);
        }
        long closed = System.nanoTime();
        JsonNode slot;
        do {
            slot = client.get("/slots").json().get(2);
        } while (slot.get("is_processing").asBoolean() && System.nanoTime() - closed < 5_000_000_000L);
        long ms = (System.nanoTime() - closed) / 1_000_000;
        System.out.printf("non-streamed: slot freed %d ms after the client left%n", ms);
        assertThat(slot.get("is_processing").asBoolean()).isFalse();
        assertThat(ms).as("slot freed after %d ms", ms).isLessThan(100);
        assertThat(slot.get("next_token").get(0).get("n_decoded").asInt()).isLessThan(1000);
    }

    @Test
    void eightConcurrentStreamsOnFourSlotsEachMatchTheRequestAlone() throws Exception {
        String[] prompts = {"Once upon a time", "The little dog", "Lily and Ben", "One day, a girl", "The sun was", "Tom had a red ball", "In the park", "Mom said"};
        List<String> alone = new ArrayList<>();
        for (String p : prompts) alone.add(streamText(p));
        long t0 = System.nanoTime();
        List<Future<String>> together = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String p : prompts) together.add(pool.submit(() -> streamText(p)));
            for (int i = 0; i < prompts.length; i++) assertThat(together.get(i).get()).as(prompts[i]).isEqualTo(alone.get(i));
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("8 concurrent streams x 48 tokens on 4 slots: %.2f s, %.0f tokens/s%n", s, 8 * 48 / s);
    }

    private static String streamText(String prompt) throws Exception {
        StringBuilder sb = new StringBuilder();
        List<String> events = client.stream("/completion", "{\"prompt\":\"" + prompt + "\",\"n_predict\":48,\"ignore_eos\":true,\"temperature\":0,\"cache_prompt\":false,\"stream\":true}");
        for (String e : events) sb.append(TestClient.parse(e).get("content").asText());
        JsonNode last = TestClient.parse(events.getLast());
        assertThat(last.get("stop").asBoolean()).isTrue();
        assertThat(last.get("tokens_predicted").asInt()).isEqualTo(48);
        return sb.toString();
    }

    @Test
    void samplingDefaultsAreLlamaCpps() {
        SamplingSettings s = new SamplingSettings();
        assertThat(s.temperature).isEqualTo(0.8f);
        assertThat(s.topK).isEqualTo(40);
        assertThat(s.topP).isEqualTo(0.95f);
        assertThat(s.minP).isEqualTo(0.05f);
        assertThat(s.penaltyLastN).isEqualTo(64);
    }
}
