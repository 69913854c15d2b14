package dev.hearth.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** LangChain4j's OpenAI client, unchanged, against the server: chat and streaming chat. */
class LangChain4jTest {
    static HearthServer server;
    static String baseUrl;

    @BeforeAll
    static void start() {
        server = new HearthServer(ServerConfig.defaults(ServerTest.MODEL).withPort(0).withSlots(1, 1024).withThreads(1)
                .withApiKeys(java.util.List.of("sk-test"))).start();
        server.awaitReady();
        baseUrl = "http://127.0.0.1:" + server.port() + "/v1";
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void chat() {
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(baseUrl).apiKey("sk-test").modelName("stories")
                .temperature(0.0).maxTokens(12).build();
        ChatResponse r = model.chat(ChatRequest.builder().messages(UserMessage.from("Tell me a story")).build());
        assertThat(r.aiMessage().text()).isNotBlank();
        assertThat(r.tokenUsage().outputTokenCount()).isEqualTo(12);
        assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void streamingChatEqualsTheWholeAnswer() throws Exception {
        String whole = OpenAiChatModel.builder().baseUrl(baseUrl).apiKey("sk-test").modelName("stories")
                .temperature(0.0).maxTokens(20).build().chat("Once upon a time");
        OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder().baseUrl(baseUrl).apiKey("sk-test")
                .modelName("stories").temperature(0.0).maxTokens(20).build();
        StringBuilder partials = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat("Once upon a time", new StreamingChatResponseHandler() {
            @Override public void onPartialResponse(String partial) { partials.append(partial); }
            @Override public void onCompleteResponse(ChatResponse response) { done.complete(response); }
            @Override public void onError(Throwable error) { done.completeExceptionally(error); }
        });
        ChatResponse r = done.get(60, TimeUnit.SECONDS);
        assertThat(partials.toString()).isEqualTo(whole);
        assertThat(r.aiMessage().text()).isEqualTo(whole);
    }
}
