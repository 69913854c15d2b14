package dev.hearth.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.chat.ChatTemplates;
import dev.hearth.chat.TemplateException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAI {@code messages} rendered to a prompt with the model's chat template, as llama-server's
 * chat route does: content may be a string or an array of text parts (joined); the generation prompt
 * for the assistant is appended.
 */
final class ChatPrompt {
    private ChatPrompt() { }

    static String render(JsonNode body, LoadedModel m) {
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull()) throw ApiError.invalid("'messages' is required");
        if (!messages.isArray()) throw ApiError.invalid("'messages' must be an array");
        if (messages.isEmpty()) throw ApiError.invalid("'messages' must not be empty");
        List<Object> list = new ArrayList<>();
        for (JsonNode msg : messages) {
            if (!msg.isObject()) throw ApiError.invalid("each message must be an object with 'role' and 'content'");
            JsonNode role = msg.get("role");
            if (role == null || !role.isTextual()) throw ApiError.invalid("each message needs a string 'role'");
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("role", role.asText());
            out.put("content", content(msg.get("content")));
            list.add(out);
        }
        Map<String, Object> ctx = new LinkedHashMap<>();
        ctx.put("messages", list);
        ctx.put("add_generation_prompt", body.path("add_generation_prompt").asBoolean(true));
        ctx.put("bos_token", token(m, m.tokenizer.bos()));
        ctx.put("eos_token", token(m, m.tokenizer.eos()));
        JsonNode tools = body.get("tools");
        if (tools != null && tools.isArray() && !tools.isEmpty()) ctx.put("tools", Json.MAPPER.convertValue(tools, Object.class));
        JsonNode kwargs = body.get("chat_template_kwargs");
        if (kwargs != null && kwargs.isObject()) kwargs.fields().forEachRemaining(e -> ctx.put(e.getKey(), Json.MAPPER.convertValue(e.getValue(), Object.class)));
        try {
            return ChatTemplates.render(m.template, ctx);
        } catch (TemplateException e) {
            throw ApiError.invalid("the chat template could not render these messages: " + e.getMessage());
        }
    }

    private static String content(JsonNode c) {
        if (c == null || c.isNull()) return "";
        if (c.isTextual()) return c.asText();
        if (c.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : c) {
                if (!part.isObject() || !"text".equals(part.path("type").asText()))
                    throw ApiError.invalid("only text content parts are supported (type \"text\")");
                JsonNode t = part.get("text");
                if (t == null || !t.isTextual()) throw ApiError.invalid("a text content part needs a string 'text'");
                if (!sb.isEmpty()) sb.append('\n');
                sb.append(t.asText());
            }
            return sb.toString();
        }
        throw ApiError.invalid("message 'content' must be a string or an array of content parts");
    }

    private static String token(LoadedModel m, int id) {
        return id < 0 ? "" : m.tokenizer.vocabulary().text(id);
    }
}
