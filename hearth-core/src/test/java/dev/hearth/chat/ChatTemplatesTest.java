package dev.hearth.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatTemplatesTest {

    private static final Map<String, Object> SYSTEM = Map.of("role", "system", "content", "You are a helpful assistant.");
    private static final Map<String, Object> USER = Map.of("role", "user", "content", "Hello! What's 2+2?");

    private static String gemma2() throws IOException {
        return Files.readString(Path.of("src/test/resources/chat/templates/google-gemma-2-2b-it.jinja"));
    }

    @Test
    void chatmlFallbackWhenTheModelHasNoTemplate() {
        ChatTemplate t = ChatTemplates.forModel(null);
        assertThat(ChatTemplates.forModel("  ")).isSameAs(t);
        String prompt = t.render(Map.of("messages", List.of(
                Map.of("role", "system", "content", "S"), Map.of("role", "user", "content", "U")),
                "add_generation_prompt", true));
        // what jinja2 renders for ChatTemplates.CHATML_SOURCE
        assertThat(prompt).isEqualTo("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void gemmaRejectsTheSystemRoleSoItIsMergedIntoTheFirstUserTurn() throws IOException {
        ChatTemplate gemma = ChatTemplate.parse(gemma2());
        Map<String, Object> context = Map.of("messages", List.of(SYSTEM, USER), "add_generation_prompt", true,
                "bos_token", "<s>");
        assertThatThrownBy(() -> gemma.render(context))
                .isInstanceOfSatisfying(TemplateException.class, e -> {
                    assertThat(e.kind()).isEqualTo(TemplateException.Kind.RAISED);
                    assertThat(e.getMessage()).isEqualTo("System role not supported");
                });
        // expected: jinja2's rendering of the merged conversation, as llama.cpp merges it
        assertThat(ChatTemplates.render(gemma, context)).isEqualTo(
                "<s><start_of_turn>user\nYou are a helpful assistant.\nHello! What's 2+2?<end_of_turn>\n<start_of_turn>model\n");
    }

    @Test
    void probesTheSystemRoleLikeLlamaCpp() throws IOException {
        assertThat(ChatTemplates.supportsSystemRole(ChatTemplate.parse(gemma2()))).isFalse(); // raises
        assertThat(ChatTemplates.supportsSystemRole(ChatTemplates.chatml())).isTrue();
        ChatTemplate dropsSystem = ChatTemplate.parse(
                "{% for m in messages if m.role != 'system' %}[{{ m.role }}] {{ m.content }}\n{% endfor %}");
        assertThat(ChatTemplates.supportsSystemRole(dropsSystem)).isFalse();
        assertThat(ChatTemplates.render(dropsSystem, Map.of("messages", List.of(SYSTEM, USER))))
                .isEqualTo("[user] You are a helpful assistant.\nHello! What's 2+2?\n");
        // templates with a system role are left alone
        assertThat(ChatTemplates.render(ChatTemplates.chatml(), Map.of("messages", List.of(SYSTEM, USER))))
                .startsWith("<|im_start|>system\nYou are a helpful assistant.<|im_end|>");
    }

    @Test
    void otherTemplateErrorsAreNotRetried() throws IOException {
        ChatTemplate gemma = ChatTemplate.parse(gemma2());
        Map<String, Object> context = Map.of("messages", List.of(USER, USER));
        assertThatThrownBy(() -> ChatTemplates.render(gemma, context))
                .hasMessage("Conversation roles must alternate user/assistant/user/assistant/...");
    }

    @Test
    void mergeFollowsLlamaCpp() {
        assertThat(ChatTemplates.mergeSystemMessage(List.of(SYSTEM, USER)))
                .containsExactly(Map.of("role", "user", "content", "You are a helpful assistant.\nHello! What's 2+2?"));
        assertThat(ChatTemplates.mergeSystemMessage(List.of(SYSTEM))).isEmpty();
        assertThat(ChatTemplates.mergeSystemMessage(List.of(USER))).containsExactly(USER);
        Map<String, Object> parts = Map.of("role", "system", "content", List.of(Map.of("type", "text", "text", "A"),
                Map.of("type", "image"), Map.of("type", "text", "text", "B")));
        assertThat(ChatTemplates.mergeSystemMessage(List.of(parts, USER)))
                .containsExactly(Map.of("role", "user", "content", "AB\nHello! What's 2+2?"));
    }
}
