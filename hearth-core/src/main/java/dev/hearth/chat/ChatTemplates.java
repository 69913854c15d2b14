package dev.hearth.chat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the server needs around {@link ChatTemplate}: a built-in ChatML template for models whose
 * GGUF has no {@code tokenizer.chat_template}, and llama.cpp's workaround for templates that refuse
 * a system message (Gemma's {@code raise_exception('System role not supported')}): the system
 * prompt is merged into the next message, joined by a newline, and the render is retried
 * (llama.cpp {@code common/chat.cpp}, {@code workaround::system_message_not_supported}).
 */
public final class ChatTemplates {

    private ChatTemplates() { }

    /** ChatML, the fallback llama.cpp also uses: {@code <|im_start|>role\ncontent<|im_end|>\n}. */
    public static final String CHATML_SOURCE = """
            {%- for message in messages -%}
                {{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' -}}
            {%- endfor -%}
            {%- if add_generation_prompt -%}
                {{- '<|im_start|>assistant\\n' -}}
            {%- endif -%}
            """;

    private static final ChatTemplate CHATML = ChatTemplate.parse(CHATML_SOURCE);

    public static ChatTemplate chatml() {
        return CHATML;
    }

    /** The model's template, or ChatML when it has none (null or blank). */
    public static ChatTemplate forModel(String chatTemplateOrNull) {
        if (chatTemplateOrNull == null || chatTemplateOrNull.isBlank()) return CHATML;
        return ChatTemplate.parse(chatTemplateOrNull);
    }

    public static String render(ChatTemplate template, Map<String, ?> context) {
        return render(template, context, Clock.systemDefaultZone());
    }

    /**
     * Renders; if the template raises an error about the system role while the conversation
     * starts with a system message, renders again with that message merged into the next one.
     */
    public static String render(ChatTemplate template, Map<String, ?> context, Clock clock) {
        try {
            return template.render(context, clock);
        } catch (TemplateException e) {
            if (!rejectsSystemRole(e) || !startsWithSystem(context.get("messages"))) throw e;
            Map<String, Object> retry = new LinkedHashMap<>(context);
            retry.put("messages", mergeSystemMessage((List<?>) context.get("messages")));
            return template.render(retry, clock);
        }
    }

    /** A raise_exception() from the template whose message is about the system role. */
    static boolean rejectsSystemRole(TemplateException e) {
        return e.kind() == TemplateException.Kind.RAISED
                && e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains("system");
    }

    private static boolean startsWithSystem(Object messages) {
        return messages instanceof List<?> list && !list.isEmpty()
                && list.getFirst() instanceof Map<?, ?> first && "system".equals(first.get("role"));
    }

    /**
     * llama.cpp's rule: the first (system) message's content + "\n" + the second message's content
     * becomes the second message; a lone system message is dropped.
     */
    public static List<Object> mergeSystemMessage(List<?> messages) {
        List<Object> out = new ArrayList<>(messages);
        if (!startsWithSystem(messages)) return out;
        Map<?, ?> system = (Map<?, ?>) out.removeFirst();
        if (!out.isEmpty() && out.getFirst() instanceof Map<?, ?> next) {
            Map<Object, Object> merged = new LinkedHashMap<>(next);
            merged.put("content", text(system.get("content")) + "\n" + text(next.get("content")));
            out.set(0, merged);
        }
        return out;
    }

    private static String text(Object content) {
        return content == null ? "" : content.toString();
    }
}
