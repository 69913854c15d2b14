package dev.hearth.illume;

import java.util.HashMap;
import java.util.Map;

/**
 * Everything the buffer and its profiles have said so far (Illume's {@code ChatState}). Starts as
 * Illume's {@code NewChatState}: an invalid API URL (so the first profile's {@code !api} wins), a
 * body holding only {@code max_tokens: 2000}, and the header {@code content-type: application/json}.
 */
final class BufferState {
    /** Illume's placeholder meaning "no {@code !api} seen yet". */
    static final String INVALID_URL = "http://invalid./";
    static final int DEFAULT_MAX_TOKENS = 2000;

    String profile = "";
    String api = INVALID_URL;
    String fimTemplate = "";
    String prepend = "";
    String excludeTag = "";
    boolean excluding;
    MessageBuilder messages = new MessageBuilder();
    final Map<String, Object> body = new HashMap<>();
    /** Per key: true when set (or deleted) by the buffer itself, which profiles may not override. */
    final Map<String, Boolean> setByBuffer = new HashMap<>();
    final Map<String, String> headers = new HashMap<>();
    RequestType type = RequestType.CHAT;
    boolean debug;
    boolean stats;
    boolean gptOss;

    BufferState() {
        body.put("max_tokens", DEFAULT_MAX_TOKENS);
        headers.put("content-type", "application/json");
    }
}
