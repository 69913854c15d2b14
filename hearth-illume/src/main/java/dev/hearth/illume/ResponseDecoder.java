package dev.hearth.illume;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.Map;

/**
 * Turns one streamed event into the text to print, reading the several response shapes at once
 * the way Illume does: if {@code choices} is non-empty, its first element's {@code delta.content}
 * (OpenAI chat) or else its {@code text} (OpenAI completion); otherwise Anthropic's
 * {@code delta.thinking} (wrapped in {@code <think>} … {@code </think>}) or {@code delta.text};
 * otherwise llama.cpp's native {@code content}. An event that is not JSON prints nothing and the
 * stream goes on — Illume ignores the decoding error. Field names match case-insensitively, as in
 * Go. With {@code !gpt-oss}, GPT-OSS channel tokens become {@code <think>} tags.
 */
final class ResponseDecoder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private enum GptOssState { INIT, NAME, MESSAGE, START, ROLE }

    private final boolean gptOss;
    private GptOssState gptState = GptOssState.INIT;
    private String channelName = "";
    private int thinkingEvents;

    ResponseDecoder(boolean gptOss) {
        this.gptOss = gptOss;
    }

    String decode(String payload) {
        JsonNode event;
        try {
            event = JSON.readTree(payload);
        } catch (Exception e) {
            return "";
        }
        if (event == null || !event.isObject()) {
            return "";
        }
        JsonNode choices = field(event, "choices");
        if (choices != null && choices.isArray() && !choices.isEmpty()) {
            JsonNode choice = choices.get(0);
            String chat = text(field(choice, "delta"), "content");
            if (!chat.isEmpty()) {
                return gptOssFilter(chat);
            }
            return text(choice, "text");
        }
        JsonNode delta = field(event, "delta");
        String thinking = text(delta, "thinking");
        if (!thinking.isEmpty()) {
            String open = thinkingEvents == 0 ? "<think>\n" : "";
            thinkingEvents++;
            return open + thinking;
        }
        String anthropic = text(delta, "text");
        if (!anthropic.isEmpty()) {
            String close = thinkingEvents > 0 ? "\n</think>\n\n" : "";
            thinkingEvents = 0;
            return close + anthropic;
        }
        return text(event, "content");
    }

    /** Illume's GPT-OSS state machine; it assumes one special token per event, as llama.cpp sends. */
    private String gptOssFilter(String chat) {
        if (gptOss && chat.equals("<|channel|>")) {
            gptState = GptOssState.NAME;
        } else if (gptState == GptOssState.NAME) {
            channelName = chat;
            gptState = GptOssState.MESSAGE;
        } else if (gptState == GptOssState.MESSAGE) {
            gptState = GptOssState.INIT;
            if (!chat.equals("<|message|>")) {
                return "<|channel|>" + channelName + chat;
            }
            return switch (channelName) {
                case "analysis" -> "<think>\n";
                case "final" -> "\n</think>\n\n";
                default -> "";
            };
        } else if (gptOss && chat.equals("<|end|>")) {
            gptState = GptOssState.START;
        } else if (gptOss && chat.equals("<|start|>")) {
            gptState = GptOssState.ROLE;
        } else if (gptState == GptOssState.ROLE) {
            gptState = GptOssState.INIT; // drops the role name
        } else {
            return chat;
        }
        return "";
    }

    /**
     * The member Go's decoder would leave in a struct field: the last one whose name matches
     * ignoring case and whose value fits the field (a mismatched value is skipped, as Go skips it
     * with a type error).
     */
    private static JsonNode member(JsonNode object, String name, java.util.function.Predicate<JsonNode> fits) {
        JsonNode found = null;
        if (object != null && object.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (entry.getKey().equalsIgnoreCase(name) && fits.test(entry.getValue())) {
                    found = entry.getValue();
                }
            }
        }
        return found;
    }

    private static JsonNode field(JsonNode object, String name) {
        JsonNode value = member(object, name, v -> v.isObject() || v.isArray() || v.isNull());
        return value == null || value.isNull() ? null : value; // null empties a slice, leaves a struct
    }

    private static String text(JsonNode object, String name) {
        JsonNode value = member(object, name, JsonNode::isTextual);
        return value == null ? "" : value.asText();
    }
}
