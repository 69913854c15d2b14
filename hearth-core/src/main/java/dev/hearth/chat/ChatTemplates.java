package dev.hearth.chat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * What the server needs around {@link ChatTemplate}: a built-in ChatML template for models whose
 * GGUF has no {@code tokenizer.chat_template}, and llama.cpp's workaround for templates without a
 * system role (Gemma raises {@code 'System role not supported'}; others silently drop it). Like
 * llama.cpp, we probe the template once: render a system message holding a needle plus a user turn,
 * and if the needle does not come out, the system prompt is merged into the next message, joined
 * by a newline (llama.cpp {@code common/chat.cpp}, {@code workaround::system_message_not_supported},
 * probe from minja's {@code chat_template} capabilities).
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

    /** Names accepted by {@link #named}: "chatml" and the bundled templates (resources dev/hearth/chat/templates). */
    public static final List<String> NAMES = List.of("chatml", "command-r", "deepseek3", "gemma", "granite", "kimi-k2", "llama3",
            "mistral-v3-tekken", "phi3", "qwen2.5", "rwkv-world", "seed_oss");

    /** A built-in template by name ({@code --chat-template NAME}), or an error listing the names. */
    public static ChatTemplate named(String name) {
        if (name.equals("chatml")) return CHATML;
        if (!NAMES.contains(name))
            throw new IllegalArgumentException("unknown chat template '" + name + "' (known: " + String.join(", ", NAMES) + ")");
        try (var in = ChatTemplates.class.getResourceAsStream("templates/" + name + ".jinja")) {
            if (in == null) throw new IllegalStateException("bundled chat template " + name + " is missing from the jar");
            return ChatTemplate.parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The template a model runs with: {@code --chat-template-file} text, else {@code --chat-template}
     * name, else the model's own {@code tokenizer.chat_template}, else ChatML with a warning on stderr.
     */
    public static ChatTemplate select(String modelTemplate, String name, String fileText) {
        if (fileText != null) return ChatTemplate.parse(fileText);
        if (name != null) return named(name);
        if (modelTemplate == null || modelTemplate.isBlank()) {
            System.err.println("warning: the model has no chat template (tokenizer.chat_template); using ChatML");
            return CHATML;
        }
        return ChatTemplate.parse(modelTemplate);
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
     * Renders; when the conversation starts with a system message and the template has no system
     * role ({@link #supportsSystemRole}), renders with that message merged into the next one.
     */
    public static String render(ChatTemplate template, Map<String, ?> context, Clock clock) {
        if (startsWithSystem(context.get("messages")) && !supportsSystemRole(template)) {
            Map<String, Object> merged = new LinkedHashMap<>(context);
            merged.put("messages", mergeSystemMessage((List<?>) context.get("messages")));
            return template.render(merged, clock);
        }
        return template.render(context, clock);
    }

    private static final String SYSTEM_NEEDLE = "<System Needle>";
    private static final Map<ChatTemplate, Boolean> SYSTEM_ROLE = Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * Whether a system message's text reaches the output: llama.cpp's probe renders
     * [system "&lt;System Needle&gt;", user "Hey"] and looks for the needle; a template that raises
     * does not support it. Computed once per template.
     */
    public static boolean supportsSystemRole(ChatTemplate template) {
        return SYSTEM_ROLE.computeIfAbsent(template, t -> {
            Map<String, Object> probe = Map.of(
                    "messages", List.of(Map.of("role", "system", "content", SYSTEM_NEEDLE), Map.of("role", "user", "content", "Hey")),
                    "add_generation_prompt", false, "bos_token", "", "eos_token", "");
            try {
                return t.render(probe).contains(SYSTEM_NEEDLE);
            } catch (TemplateException e) {
                return false;
            }
        });
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

    /** A message's content as text; content parts contribute their "text" fields, in order. */
    private static String text(Object content) {
        if (content instanceof List<?> parts) {
            StringBuilder sb = new StringBuilder();
            for (Object p : parts) {
                if (p instanceof Map<?, ?> part && "text".equals(part.get("type")) && part.get("text") != null) {
                    sb.append(part.get("text"));
                }
            }
            return sb.toString();
        }
        return content == null ? "" : content.toString();
    }
}
