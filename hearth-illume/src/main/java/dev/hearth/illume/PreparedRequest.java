package dev.hearth.illume;

import java.util.SortedMap;

/**
 * One request, ready to send or to print with {@code !debug}.
 *
 * @param headers sorted by name: Illume iterates a Go map, whose order is random per run, so any
 *     fixed order is one Illume could print; sorted is the reproducible one
 * @param body the JSON body exactly as Illume's encoder writes it, final newline included
 * @param prefix the infill prefix (text above the hole plus a newline), or empty for chat/completion
 * @param suffix the infill suffix (a newline plus the text below), or empty
 */
public record PreparedRequest(
        String url,
        SortedMap<String, String> headers,
        String body,
        RequestType type,
        String prepend,
        boolean debug,
        boolean stats,
        boolean gptOss,
        String prefix,
        String suffix) {

    /** What {@code !debug} prints in place of a reply. */
    public String debugText() {
        StringBuilder out = new StringBuilder("\n\nPOST ").append(url).append(" HTTP/1.1\n");
        headers.forEach((name, value) -> out.append(name).append(": ").append(value).append('\n'));
        return out.append('\n').append(body).append('\n').toString();
    }

    public boolean isInfill() {
        return type == RequestType.INFILL || type == RequestType.FIM;
    }
}
