package dev.hearth.illume;

import java.util.ArrayList;
import java.util.List;

/**
 * Accumulates buffer lines into messages, with Illume's rules (its {@code Builder} type): a role
 * directive closes the current message; the closed message is trimmed of CR and LF only (never of
 * spaces or tabs) and dropped when empty; text before any role directive is the "system" message.
 */
final class MessageBuilder {
    private final List<Message> messages = new ArrayList<>();
    private String role = "";
    private final StringBuilder content = new StringBuilder();

    void appendLine(String line) {
        content.append(line).append('\n');
    }

    /** Raw text inserted by {@code !context} and friends: no newline is added. */
    void appendRaw(String text) {
        content.append(text);
    }

    /** Closes the current message and starts one with {@code nextRole}; returns all messages so far. */
    List<Message> startMessage(String nextRole) {
        String text = trimCrLf(content);
        if (!text.isEmpty()) {
            if (role.isEmpty()) {
                role = "system";
            }
            messages.add(new Message(role, text));
        }
        role = nextRole;
        content.setLength(0);
        return List.copyOf(messages);
    }

    private static String trimCrLf(CharSequence s) {
        int start = 0;
        int end = s.length();
        while (start < end && isCrLf(s.charAt(start))) {
            start++;
        }
        while (end > start && isCrLf(s.charAt(end - 1))) {
            end--;
        }
        return s.subSequence(start, end).toString();
    }

    private static boolean isCrLf(char c) {
        return c == '\r' || c == '\n';
    }
}
