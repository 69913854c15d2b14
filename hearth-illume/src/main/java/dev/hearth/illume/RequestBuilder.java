package dev.hearth.illume;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Turns a whole buffer into one request, as Illume's {@code query} does: interpret the buffer, load
 * {@code $ILLUME_PROFILE} (else {@code llama.cpp}) when the buffer named no profile, fill the URL's
 * {@code {key}}s from the body, use a quoted URL literally or else append the endpoint, put the text
 * into the body for the request type, and force {@code "stream": true}.
 */
public final class RequestBuilder {
    private final Profiles profiles;
    private final Path workingDirectory;
    private final UnaryOperator<String> env;

    public RequestBuilder(Profiles profiles, Path workingDirectory, UnaryOperator<String> env) {
        this.profiles = profiles;
        this.workingDirectory = workingDirectory;
        this.env = env;
    }

    public PreparedRequest build(String buffer) throws IllumeException {
        BufferState state = new BufferState();
        BufferParser parser = new BufferParser(state, profiles, new ContextFiles(workingDirectory), env);
        parser.load("<stdin>", buffer, 0);
        if (state.profile.isEmpty()) {
            String profile = env.apply("ILLUME_PROFILE");
            // loaded after the buffer, two levels deep: it fills in only what the buffer left unset
            parser.loadProfile(profile == null || profile.isEmpty() ? Profiles.DEFAULT_PROFILE : profile, 1);
        }

        String api;
        try {
            api = Interpolator.interpolate(state.api, state.body);
        } catch (IllumeException e) {
            throw new IllumeException("interpolating URL: " + e.getMessage());
        }
        boolean literalUrl = api.length() > 2 && api.startsWith("\"") && api.endsWith("\"");
        if (literalUrl) {
            api = api.substring(1, api.length() - 1);
        } else if (!api.endsWith("/")) {
            api += "/";
        }

        String prefix = "";
        String suffix = "";
        switch (state.type) {
            case CHAT -> {
                api += literalUrl ? "" : "chat/completions";
                state.body.put("messages", state.messages.startMessage(""));
            }
            case COMPLETION -> {
                api += literalUrl ? "" : "completions";
                state.body.put("prompt", first(state.messages.startMessage(""), "!completion").content());
            }
            case INFILL -> {
                api += literalUrl ? "" : "infill";
                state.body.put("prompt", ""); // llama.cpp requires the field
                List<Message> parts = state.messages.startMessage("");
                prefix = first(parts, "!infill").content() + "\n";
                suffix = parts.size() > 1 ? "\n" + parts.get(1).content() : "";
                state.body.put("input_prefix", prefix);
                state.body.put("input_suffix", suffix);
            }
            case FIM -> {
                api += literalUrl ? "" : "completions";
                List<Message> parts = state.messages.startMessage("");
                prefix = first(parts, "!infill").content() + "\n";
                suffix = parts.size() > 1 ? "\n" + parts.get(1).content() : "";
                Map<String, Object> vars = new HashMap<>();
                vars.put("prefix", prefix);
                vars.put("suffix", suffix);
                try {
                    state.body.put("prompt", Interpolator.interpolate(state.fimTemplate, vars));
                } catch (IllumeException e) {
                    throw new IllumeException("!infill: " + e.getMessage());
                }
            }
        }
        state.body.put("stream", true);
        return new PreparedRequest(api, new TreeMap<>(state.headers), GoJson.marshal(state.body), state.type,
                state.prepend, state.debug, state.stats, state.gptOss, prefix, suffix);
    }

    /**
     * Illume indexes the first message without checking (a Go panic on an empty buffer); Hearth
     * says what is missing instead.
     */
    private static Message first(List<Message> messages, String directive) throws IllumeException {
        if (messages.isEmpty()) {
            throw new IllumeException(directive + ": the buffer has no text to send");
        }
        return messages.getFirst();
    }
}
