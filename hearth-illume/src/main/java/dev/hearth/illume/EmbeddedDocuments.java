package dev.hearth.illume;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Illume's {@code !reddit FILE}, {@code !reddit! FILE} and {@code !github ISSUE [COMMENTS…]}: a
 * downloaded JSON document rendered as plain text into the current message, in Illume's layout.
 * Field names are matched case-insensitively and a wrongly typed field is simply empty, as Go's
 * {@code json.Unmarshal} into a struct does.
 */
final class EmbeddedDocuments {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EmbeddedDocuments() {}

    static String render(String command, String line, ContextFiles files) throws IllumeException {
        StringBuilder out = new StringBuilder();
        int space = line.indexOf(' ');
        String args = space < 0 ? "" : line.substring(space + 1);
        switch (command) {
            case "!reddit" -> reddit(out, files, GoText.trimSpace(args), true);
            case "!reddit!" -> reddit(out, files, GoText.trimSpace(args), false);
            default -> {
                List<String> fields = GoText.fields(line);
                github(out, files, fields.subList(1, fields.size()));
            }
        }
        return out.toString();
    }

    private static JsonNode read(ContextFiles files, String path) throws IllumeException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(files.resolve(path));
        } catch (IOException e) {
            throw IllumeException.cannotOpen(path, e);
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllumeException("open " + path + ": invalid argument");
        }
        try {
            return JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return null; // Illume ignores the parse error; the document then looks empty
        }
    }

    /** The last member whose name equals {@code name} ignoring case, as Go's decoder assigns them. */
    private static JsonNode field(JsonNode object, String name) {
        JsonNode found = null;
        if (object != null && object.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (entry.getKey().equalsIgnoreCase(name)) {
                    found = entry.getValue();
                }
            }
        }
        return found;
    }

    private static String text(JsonNode object, String name) {
        String found = "";
        if (object != null && object.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (entry.getKey().equalsIgnoreCase(name) && entry.getValue().isTextual()) {
                    found = entry.getValue().asText();
                }
            }
        }
        return found;
    }

    private static void reddit(StringBuilder out, ContextFiles files, String path, boolean withComments) throws IllumeException {
        JsonNode listing = read(files, path);
        if (listing == null || !listing.isArray() || listing.isEmpty()) {
            throw new IllumeException("failed to parse JSON: " + path + "\n");
        }
        JsonNode children = field(field(listing.get(0), "data"), "children");
        if (children == null || !children.isArray() || children.isEmpty()) {
            throw new IllumeException("failed to parse JSON: " + path + ": no post");
        }
        JsonNode post = field(children.get(0), "data");
        out.append("# Reddit Post\n\n");
        out.append(text(post, "title")).append('\n');
        out.append("by u/").append(text(post, "author")).append(" in r/").append(text(post, "subreddit")).append('\n');
        out.append("---\n").append(text(post, "selftext")).append("\n---\n");
        if (withComments && listing.size() > 1) {
            comments(out, 1, field(field(listing.get(1), "data"), "children"));
            out.append("---\n");
        }
    }

    private static void comments(StringBuilder out, int depth, JsonNode list) {
        if (list == null || !list.isArray()) {
            return;
        }
        for (JsonNode comment : list) {
            JsonNode data = field(comment, "data");
            out.append('\n');
            quotePrefix(out, depth - 1);
            out.append("u/").append(text(data, "author")).append(":\n");
            for (String bodyLine : scanLines(text(data, "body"))) {
                quotePrefix(out, depth);
                out.append(bodyLine).append('\n');
            }
            JsonNode replies = field(data, "replies");
            if (replies != null && replies.isObject()) {
                comments(out, depth + 1, field(field(replies, "data"), "children"));
            }
        }
    }

    private static void quotePrefix(StringBuilder out, int depth) {
        out.append(">".repeat(Math.max(0, depth)));
        if (depth > 0) {
            out.append(' ');
        }
    }

    private static void github(StringBuilder out, ContextFiles files, List<String> paths) throws IllumeException {
        if (paths.isEmpty()) {
            throw new IllumeException("!github requires at least one argument");
        }
        JsonNode issue = read(files, paths.get(0));
        out.append("---\n");
        out.append(text(issue, "html_url")).append('\n');
        out.append(text(issue, "title")).append('\n');
        out.append("by @").append(text(field(issue, "user"), "login")).append("\n\n");
        out.append(text(issue, "body")).append('\n');
        for (String path : paths.subList(1, paths.size())) {
            JsonNode comments = read(files, path);
            if (comments == null || !comments.isArray()) {
                continue;
            }
            for (JsonNode comment : comments) {
                out.append("\n@").append(text(field(comment, "user"), "login")).append(":\n");
                for (String bodyLine : scanLines(text(comment, "body"))) {
                    out.append("> ").append(bodyLine).append('\n');
                }
            }
        }
        out.append("---\n");
    }

    /** Go's {@code bufio.ScanLines}: split at LF, drop a CR before it, no empty last token. */
    static List<String> scanLines(String s) {
        java.util.ArrayList<String> lines = new java.util.ArrayList<>();
        int start = 0;
        while (start < s.length()) {
            int newline = s.indexOf('\n', start);
            String line = newline < 0 ? s.substring(start) : s.substring(start, newline);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            lines.add(line);
            start = newline < 0 ? s.length() : newline + 1;
        }
        return lines;
    }
}
