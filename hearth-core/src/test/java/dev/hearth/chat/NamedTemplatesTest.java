package dev.hearth.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NamedTemplatesTest {
    static final Map<String, Object> CHAT = Map.of(
            "messages", List.of(Map.of("role", "user", "content", "Hi there")),
            "add_generation_prompt", true, "bos_token", "<s>", "eos_token", "</s>");

    @Test
    void everyNameRenders() {
        for (String name : ChatTemplates.NAMES)
            assertThat(ChatTemplates.named(name).render(CHAT)).as(name).contains("Hi there");
    }

    @Test
    void namedTemplatesAreTheRealOnes() {
        assertThat(ChatTemplates.named("llama3").render(CHAT)).contains("<|start_header_id|>user<|end_header_id|>\n\nHi there<|eot_id|>");
        assertThat(ChatTemplates.named("gemma").render(CHAT)).isEqualTo("<s><start_of_turn>user\nHi there<end_of_turn>\n<start_of_turn>model\n");
        assertThat(ChatTemplates.named("chatml").render(CHAT)).isEqualTo("<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void selectionOrder() {
        String file = "{{ messages[0]['content'] }}!";
        assertThat(ChatTemplates.select("{{ 'model' }}", "chatml", file).render(CHAT)).isEqualTo("Hi there!");
        assertThat(ChatTemplates.select("{{ 'model' }}", "chatml", null).render(CHAT)).startsWith("<|im_start|>");
        assertThat(ChatTemplates.select("{{ 'model' }}", null, null).render(CHAT)).isEqualTo("model");
        assertThat(ChatTemplates.select(null, null, null).render(CHAT)).startsWith("<|im_start|>user");
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        assertThatThrownBy(() -> ChatTemplates.named("nope")).hasMessageContaining("unknown chat template 'nope'").hasMessageContaining("llama3");
    }
}
