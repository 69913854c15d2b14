package dev.hearth.illume;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a stub SSE server on loopback: every reply shape, every FIM template, every error. */
class StreamingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private StubSseServer stub;
    private final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void start() throws Exception {
        stub = new StubSseServer();
        env.put("HOME", "/nonexistent");
    }

    @AfterEach
    void stop() {
        stub.close();
    }

    record Result(int status, String out) {}

    private Result run(String buffer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = Main.run(buffer.getBytes(StandardCharsets.UTF_8), out, env::get, Path.of("."));
        return new Result(status, out.toString(StandardCharsets.UTF_8));
    }

    private static String chatDelta(String text) throws Exception {
        return "{\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":"
                + JSON.writeValueAsString(text) + "}}]}";
    }

    private static String completionText(String text) throws Exception {
        return "{\"choices\":[{\"index\":0,\"text\":" + JSON.writeValueAsString(text) + "}]}";
    }

    private static String nativeContent(String text) throws Exception {
        return "{\"content\":" + JSON.writeValueAsString(text) + ",\"stop\":false}";
    }

    @Test
    void chatRepliesStartWithAnAssistantDirectiveAndStopAtDone() throws Exception {
        List<String> events = new ArrayList<>(List.of(
                "{\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}", chatDelta("Hello"), chatDelta(", world"),
                chatDelta("!"), "[DONE]", chatDelta("after done is never read")));
        stub.events(events);
        Result r = run("!api " + stub.url() + "v1\n!user\nHi\n");
        assertThat(r.out()).isEqualTo("\n\n!assistant\n\nHello, world!");
        assertThat(r.status()).isZero();
        StubSseServer.Recorded request = stub.requests.getFirst();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.headers().get("Content-type")).containsExactly("application/json");
        JsonNode body = JSON.readTree(request.body());
        assertThat(body.get("stream").asBoolean()).isTrue();
        assertThat(body.get("max_tokens").asInt()).isEqualTo(2000);
        assertThat(body.get("messages").toString()).isEqualTo("[{\"role\":\"user\",\"content\":\"Hi\"}]");
    }

    @Test
    void prependAndStatsFrameTheReply() throws Exception {
        stub.events(List.of(chatDelta("reasoning"), chatDelta(" done"), "[DONE]"));
        Result r = run("!api " + stub.url() + "\n!prepend \"<think>\\n\"\n!stats\n!user\nq\n");
        assertThat(r.out()).startsWith("\n\n!assistant\n\n<think>\nreasoning done\n\n!note ");
        assertThat(r.out()).matches("(?s).*\\n\\n!note \\S+ tok/s, 2 toks, [0-9.]+(ns|µs|ms|s)$");
    }

    @Test
    void completionStreamsOpenAiTextWithoutAnyFraming() throws Exception {
        stub.events(List.of(completionText(" forty"), completionText("-two."), "[DONE]"));
        Result r = run("!api " + stub.url() + "\n!completion\nThe meaning of life is\n");
        assertThat(r.out()).isEqualTo(" forty-two.");
        assertThat(stub.requests.getFirst().path()).isEqualTo("/completions");
        assertThat(JSON.readTree(stub.requests.getFirst().body()).get("prompt").asText()).isEqualTo("The meaning of life is");
    }

    @Test
    void llamaCppNativeContentAndEndOfStreamWithoutDone() throws Exception {
        stub.events(List.of(nativeContent("a"), nativeContent("b"), "{\"content\":\"\",\"stop\":true}"));
        Result r = run("!api " + stub.url() + "\n!completion\nx\n");
        assertThat(r.out()).isEqualTo("ab");
        assertThat(r.status()).isZero();
    }

    @Test
    void anthropicThinkingAndTextDeltas() throws Exception {
        stub.events(List.of(
                "{\"type\":\"message_start\",\"message\":{}}",
                "{\"type\":\"content_block_delta\",\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"Let me\"}}",
                "{\"type\":\"content_block_delta\",\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\" think.\"}}",
                "{\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":\"Answer\"}}",
                "{\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":\".\"}}",
                "{\"type\":\"message_stop\"}"));
        Result r = run("!api \"" + stub.url() + "v1/messages\"\n!user\nq\n");
        assertThat(r.out()).isEqualTo("\n\n!assistant\n\n<think>\nLet me think.\n</think>\n\nAnswer.");
        assertThat(stub.requests.getFirst().path()).isEqualTo("/v1/messages");
    }

    @Test
    void otherLinesAndBadJsonAreSkippedLikeIllumeDoes() throws Exception {
        stub.respond(200, List.of(
                ": keep-alive comment\n", "event: message\n", "data:{\"content\":\"no space\"}\n",
                "data: {not json}\n\n", "data: " + nativeContent("ok") + "\r\n\r\n", "data: [1,2]\n\n",
                "data: {\"content\":7}\n\n", "data: " + nativeContent("!") + "\n\n"));
        Result r = run("!api " + stub.url() + "\n!completion\nx\n");
        assertThat(r.out()).isEqualTo("ok!");
        assertThat(r.status()).isZero();
    }

    @Test
    void gptOssChannelsBecomeThinkTags() throws Exception {
        List<String> tokens = List.of("<|channel|>", "analysis", "<|message|>", "Thinking", "<|end|>", "<|start|>",
                "assistant", "<|channel|>", "final", "<|message|>", "Done");
        List<String> events = new ArrayList<>();
        for (String t : tokens) {
            events.add(chatDelta(t));
        }
        stub.events(events);
        Result r = run("!api " + stub.url() + "\n!gpt-oss\n!user\nq\n");
        assertThat(r.out()).isEqualTo("\n\n!assistant\n\n<think>\nThinking\n</think>\n\nDone");
    }

    @Test
    void headersAndKeysReachTheServer() throws Exception {
        env.put("MY_KEY", "secret");
        stub.events(List.of(chatDelta("ok")));
        run("!api " + stub.url() + "\n!>authorization Bearer $MY_KEY\n!>x-custom one two\n!:temperature 0.25\n!user\nq\n");
        StubSseServer.Recorded request = stub.requests.getFirst();
        assertThat(request.headers().get("Authorization")).containsExactly("Bearer secret");
        assertThat(request.headers().get("X-custom")).containsExactly("one two");
        assertThat(request.body()).isEqualTo(
                "{\"cache_prompt\":true,\"max_tokens\":2000,\"messages\":[{\"role\":\"user\",\"content\":\"q\"}],"
                        + "\"stop\":[\"<|im_end|>\"],\"stream\":true,\"temperature\":0.25}\n");
    }

    // ------------------------------------------------------------------ infill and FIM

    private static final String PREFIX_TEXT = "int sum(const int *a, int n) {\n    int s = 0;";
    private static final String SUFFIX_TEXT = "    return s;\n}";
    private static final String TRUE_MIDDLE = "    for (int i = 0; i < n; i++) {\n        s += a[i];\n    }";
    private static final String RUNAWAY = TRUE_MIDDLE + "\n    return s;\n}\n\nint product(const int *a, int n) {\n"
            + "    int p = 1;\n    for (int i = 0; i < n; i++) {\n        p *= a[i];\n    }\n    return p;\n}\n";

    private static List<String> tokens(String text, int size) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < text.length(); i += size) {
            out.add(text.substring(i, Math.min(text.length(), i + size)));
        }
        return out;
    }

    @Test
    void infillStreamsNativeContentAndStopsWhereTheHoleIsFilled() throws Exception {
        List<String> events = new ArrayList<>();
        for (String t : tokens(RUNAWAY, 4)) {
            events.add(nativeContent(t));
        }
        stub.events(events);
        // the prefix ends in a newline (Illume adds one), so the middle begins a line
        Result r = run("!api " + stub.url() + "\n" + PREFIX_TEXT + "\n!infill\n" + SUFFIX_TEXT + "\n");
        assertThat(r.out()).isEqualTo(TRUE_MIDDLE);
        assertThat(stub.requests.getFirst().path()).isEqualTo("/infill");
        JsonNode body = JSON.readTree(stub.requests.getFirst().body());
        assertThat(body.get("input_prefix").asText()).isEqualTo(PREFIX_TEXT + "\n");
        assertThat(body.get("input_suffix").asText()).isEqualTo("\n" + SUFFIX_TEXT);
        assertThat(body.get("prompt").asText()).isEmpty();
    }

    @Test
    void scopeStopCanBeTurnedOff() throws Exception {
        List<String> events = new ArrayList<>();
        for (String t : tokens(RUNAWAY, 4)) {
            events.add(nativeContent(t));
        }
        stub.events(events);
        env.put("HEARTH_SCOPE_STOP", "0");
        Result r = run("!api " + stub.url() + "\n" + PREFIX_TEXT + "\n!infill\n" + SUFFIX_TEXT + "\n");
        assertThat(r.out()).isEqualTo(RUNAWAY);
    }

    @Test
    void everyFimTemplateSendsItsPromptAndStreamsTheMiddle() throws Exception {
        Map<String, String> prompts = new java.util.LinkedHashMap<>();
        String p = PREFIX_TEXT + "\n";
        String s = "\n" + SUFFIX_TEXT;
        prompts.put("fim:deepseek", "<｜begin▁of▁sentence｜><｜fim▁begin｜>" + p + "<｜fim▁hole｜>" + s + "<｜fim▁end｜>");
        prompts.put("fim:qwen", "<|fim_prefix|>" + p + "<|fim_suffix|>" + s + "<|fim_middle|>");
        prompts.put("fim:granite", "<fim_prefix>" + p + "<fim_suffix>" + s + "<fim_middle>");
        prompts.put("fim:granite4", "<|fim_prefix|>" + p + "<|fim_suffix|>" + s + "<|fim_middle|>");
        prompts.put("fim:mistral", "[SUFFIX]" + s + "[PREFIX]" + p);
        prompts.put("fim:codellama", " <PRE> " + p + " <SUF>" + s + " <MID>");
        for (var entry : prompts.entrySet()) {
            stub.requests.clear();
            List<String> events = new ArrayList<>();
            for (String t : tokens(RUNAWAY, 3)) {
                events.add(completionText(t));
            }
            stub.events(events);
            Result r = run("!profile llama.cpp\n!profile " + entry.getKey() + "\n!api " + stub.url() + "\n"
                    + PREFIX_TEXT + "\n!infill\n" + SUFFIX_TEXT + "\n");
            assertThat(r.out()).as(entry.getKey()).isEqualTo(TRUE_MIDDLE);
            StubSseServer.Recorded request = stub.requests.getFirst();
            assertThat(request.path()).isEqualTo("/completions");
            assertThat(JSON.readTree(request.body()).get("prompt").asText()).as(entry.getKey()).isEqualTo(entry.getValue());
        }
    }

    @Test
    void scopeStopEndsTheStreamEarly() throws Exception {
        // a model that never stops: the true middle, then more and more functions
        StringBuilder endless = new StringBuilder(RUNAWAY);
        for (int i = 0; i < 40; i++) {
            endless.append("\nint f").append(i).append("(int x) {\n    return x + ").append(i).append(";\n}\n");
        }
        List<String> events = new ArrayList<>();
        for (String t : tokens(endless.toString(), 4)) {
            events.add(nativeContent(t));
        }
        stub.events(events).pace(2);
        long start = System.nanoTime();
        Result r = run("!api " + stub.url() + "\n" + PREFIX_TEXT + "\n!infill\n" + SUFFIX_TEXT + "\n");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.out()).isEqualTo(TRUE_MIDDLE);
        Thread.sleep(100); // let the stub notice the closed connection
        int written = stub.chunksWritten.get();
        System.out.printf("scope stop: %d of %d events written before the client hung up (%d ms)%n",
                written, events.size(), millis);
        assertThat(written).isLessThan(events.size() / 4);
    }

    // ------------------------------------------------------------------ errors

    @Test
    void connectionRefusedIsReportedLikeGo() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Result r = run("!api http://127.0.0.1:" + port + "/v1\n!user\nq\n");
        assertThat(r.out()).isEqualTo("\n\n!error\n\nPost \"http://127.0.0.1:" + port
                + "/v1/chat/completions\": dial tcp 127.0.0.1:" + port + ": connect: connection refused\n");
        assertThat(r.status()).isEqualTo(1);
    }

    @Test
    void httpErrorStatusesCarryTheirBody() {
        stub.respond(404, List.of("{\"error\":{\"code\":404,\"message\":\"File Not Found\",\"type\":\"not_found_error\"}}"));
        Result r = run("!api " + stub.url() + "\n!user\nq\n");
        assertThat(r.out()).isEqualTo("\n\n!error\n\nHTTP 404: {\"error\":{\"code\":404,\"message\":\"File Not Found\","
                + "\"type\":\"not_found_error\"}}\n");
        assertThat(r.status()).isEqualTo(1);

        stub.respond(500, List.of("internal ", "failure"));
        r = run("!api " + stub.url() + "\n!completion\nx\n");
        assertThat(r.out()).isEqualTo("\n\n!error\n\nHTTP 500: internal failure\n");
        assertThat(r.status()).isEqualTo(1);
    }

    @Test
    void unsupportedSchemeAndOverlongLines() {
        Result r = run("!api ftp://example.test/\n!user\nq\n");
        assertThat(r.out()).isEqualTo("\n\n!error\n\nPost \"ftp://example.test/chat/completions\": unsupported protocol scheme \"ftp\"\n");
        assertThat(r.status()).isEqualTo(1);

        // {n} fills in a number the way Go's encoder writes it, newline included: not a valid URL
        r = run("!api http://127.0.0.1:1/v{n}\n!:n 1\n!user\nq\n");
        assertThat(r.out()).isEqualTo("\n\n!error\n\nparse \"http://127.0.0.1:1/v1\\n/chat/completions\": "
                + "net/url: invalid control character in URL\n");

        stub.respond(200, List.of("data: " + "x".repeat(70_000) + "\n\n"));
        r = run("!api " + stub.url() + "\n!completion\nx\n");
        assertThat(r.out()).isEqualTo("\n\n!error\n\nbufio.Scanner: token too long\n");
    }

    @Test
    void badInputIsOneLineAndNonZeroExit() {
        Result r = run("!completion\n");
        assertThat(r.out()).isEqualTo("\n\n!error\n\n!completion: the buffer has no text to send\n");
        assertThat(r.status()).isEqualTo(1);
        r = run("!infill\n");
        assertThat(r.out()).isEqualTo("\n\n!error\n\n!infill: the buffer has no text to send\n");
    }

    @Test
    void aProfileThatLoadsItselfIsAnErrorNotACrash(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("loop.profile"), "!profile ./loop.profile\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = Main.run("!profile ./loop.profile\n!user\nq\n".getBytes(StandardCharsets.UTF_8), out, env::get, dir);
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(status).isEqualTo(1);
        assertThat(text).startsWith("\n\n!error\n\n<stdin>:1: ./loop.profile:1: ").contains("nested too deeply")
                .endsWith("\n").hasLineCount(5);
    }
}
