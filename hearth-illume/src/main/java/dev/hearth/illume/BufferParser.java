package dev.hearth.illume;

import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Interprets a buffer (or a profile) line by line, with Illume's rules ({@code ChatState.Load}):
 * a line is split at its first space into a command and its arguments; a directive is recognised
 * only in column 0 and only by its exact command word, so {@code !user} followed by a carriage
 * return is content, and an unknown {@code !word} is content; {@code !!} at the start of a line
 * escapes a literal {@code !}. Excluded sections ({@code !exclude TAG}) are skipped before anything
 * else, directives included. Profiles are interpreted by the same loop one level deeper, which is
 * what makes buffer keys beat profile keys and the first {@code !api} of any profile win.
 */
final class BufferParser {
    static final int MAX_PROFILE_DEPTH = 32;

    private final BufferState state;
    private final Profiles profiles;
    private final ContextFiles contextFiles;
    private final EnvExpander envExpander;

    BufferParser(BufferState state, Profiles profiles, ContextFiles contextFiles, UnaryOperator<String> env) {
        this.state = state;
        this.profiles = profiles;
        this.contextFiles = contextFiles;
        this.envExpander = new EnvExpander(env);
    }

    /** Loads a profile by name or path at the given depth (0 means "named by the buffer"). */
    void loadProfile(String name, int depth) throws IllumeException {
        if (depth > MAX_PROFILE_DEPTH) {
            // Illume recurses until Go's stack overflows; a clear message is kinder
            throw new IllumeException("!profile " + name + ": profiles nested too deeply (a profile loading itself?)");
        }
        String body = profiles.load(name);
        state.profile = name;
        load(name, body, depth + 1);
    }

    /**
     * @param source the name used in error locations ({@code <stdin>} or the profile's name)
     * @param depth 0 for the buffer itself, more for profiles
     */
    void load(String source, String text, int depth) throws IllumeException {
        int lineNumber = 1;
        int position = 0;
        // Go's loop runs while input remains, so a final newline does not make an empty last line
        while (position < text.length()) {
            int newline = text.indexOf('\n', position);
            String line = newline < 0 ? text.substring(position) : text.substring(position, newline);
            position = newline < 0 ? text.length() : newline + 1;
            try {
                if (!interpret(line, depth)) {
                    return; // !end
                }
            } catch (IllumeException e) {
                throw e.at(source, lineNumber);
            }
            lineNumber++;
        }
    }

    /** Returns false when processing must stop ({@code !end}). */
    private boolean interpret(String line, int depth) throws IllumeException {
        int space = line.indexOf(' ');
        String command = space < 0 ? line : line.substring(0, space);
        String args = space < 0 ? "" : line.substring(space + 1);

        if (!state.excludeTag.isEmpty()) {
            TagMatch match = TagMatch.of(line, state.excludeTag);
            if (state.excluding) {
                state.excluding = match != TagMatch.CLOSE;
                return true;
            } else if (match == TagMatch.OPEN) {
                state.excluding = true;
                return true;
            }
        }

        if (line.startsWith("!!")) {
            state.messages.appendLine(line.substring(1));
            return true;
        }
        switch (command) {
            case "!profile" -> {
                loadProfile(GoText.trimSpace(args), depth); // an error gets this line's location
                return true;
            }
            case "!debug" -> {
                state.debug = true;
                return true;
            }
            case "!stats" -> {
                state.stats = true;
                return true;
            }
            case "!prepend" -> {
                state.prepend = decodePrepend(args);
                return true;
            }
            case "!completion" -> {
                state.type = RequestType.COMPLETION;
                return true;
            }
            case "!context" -> {
                state.messages.appendRaw(contextFiles.render(line));
                return true;
            }
            case "!reddit", "!reddit!", "!github" -> {
                state.messages.appendRaw(EmbeddedDocuments.render(command, line, contextFiles));
                return true;
            }
            case "!note" -> {
                return true;
            }
            case "!gpt-oss" -> {
                state.gptOss = true;
                return true;
            }
            case "!exclude" -> {
                state.excludeTag = GoText.trimSpace(args);
                return true;
            }
            case "!begin" -> {
                state.messages = new MessageBuilder();
                return true;
            }
            case "!end" -> {
                return false;
            }
            case "!api" -> {
                if (state.api.equals(BufferState.INVALID_URL) || depth == 0) {
                    state.api = GoText.trimSpace(args);
                }
                return true;
            }
            case "!assistant", "!user" -> {
                state.messages.startMessage(command.substring(1));
                return true;
            }
            case "!infill" -> {
                if (args.isEmpty()) {
                    // the template must already be known here: one set later does not switch modes
                    state.type = state.fimTemplate.isEmpty() ? RequestType.INFILL : RequestType.FIM;
                    state.messages.startMessage("infill");
                } else {
                    state.fimTemplate = args; // not trimmed: a template may begin with a space
                }
                return true;
            }
            default -> {
                // fall through to the prefixed directives below
            }
        }
        if (command.length() > 2 && command.startsWith("!>")) {
            setHeader(command.substring(2), GoText.trimSpace(args));
            return true;
        }
        if (command.length() > 2 && command.startsWith("!:")) {
            setKey(command.substring(2), GoText.trimSpace(args), depth);
            return true;
        }
        state.messages.appendLine(line);
        return true;
    }

    private void setHeader(String name, String value) {
        if (value.isEmpty()) {
            state.headers.remove(name);
        } else {
            state.headers.put(name, envExpander.expand(value));
        }
    }

    private void setKey(String key, String value, int depth) {
        if (depth > 0 && Boolean.TRUE.equals(state.setByBuffer.get(key))) {
            return; // a profile never overrides what the buffer said
        }
        if (value.isEmpty()) {
            state.body.remove(key);
        } else {
            Optional<Object> json = GoJson.parse(value);
            state.body.put(key, json.isPresent() ? json.get() : value);
        }
        state.setByBuffer.put(key, depth == 0);
    }

    /** A quoted argument is decoded as a JSON string; anything else (even a bad quote) is literal. */
    private static String decodePrepend(String args) {
        if (args.length() > 1 && args.charAt(0) == '"') {
            Optional<Object> decoded = GoJson.parse(args);
            if (decoded.isPresent() && decoded.get() instanceof String s) {
                return s;
            }
        }
        return args;
    }

    /** Illume's {@code tagmatch}: the whole line is exactly {@code <TAG>} or {@code </TAG>}. */
    enum TagMatch {
        NONE, OPEN, CLOSE;

        static TagMatch of(String line, String tag) {
            if (line.length() > 2 && line.charAt(0) == '<' && line.charAt(line.length() - 1) == '>') {
                if (line.length() == tag.length() + 2 && line.startsWith(tag, 1)) {
                    return OPEN;
                }
                if (line.length() == tag.length() + 3 && line.charAt(1) == '/' && line.startsWith(tag, 2)) {
                    return CLOSE;
                }
            }
            return NONE;
        }
    }
}
