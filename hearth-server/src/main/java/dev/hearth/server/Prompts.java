package dev.hearth.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code prompt} field turned into tokens the way llama-server does: a string is tokenized with
 * BOS and control tokens parsed; an array may mix token ids and strings (strings tokenized without
 * BOS, except a leading one).
 */
final class Prompts {
    private Prompts() { }

    /**
     * Several prompts in one request, llama-server's way: an array of strings, or an array of arrays
     * (each a token / mixed list), is one prompt per element; anything else is one prompt.
     */
    static List<int[]> many(JsonNode prompt, Tokenizer tokenizer) {
        if (prompt != null && prompt.isArray() && !prompt.isEmpty()) {
            boolean allStrings = true, allArrays = true;
            for (JsonNode e : prompt) { allStrings &= e.isTextual(); allArrays &= e.isArray(); }
            if (allStrings || allArrays) {
                List<int[]> out = new ArrayList<>();
                for (JsonNode e : prompt) out.add(tokens(e, tokenizer));
                return out;
            }
        }
        return List.of(tokens(prompt, tokenizer));
    }

    static int[] tokens(JsonNode prompt, Tokenizer tokenizer) {
        if (prompt == null || prompt.isNull()) throw ApiError.invalid("'prompt' is required");
        if (prompt.isTextual()) return tokenizer.encode(prompt.asText(), true, true);
        if (prompt.isArray()) {
            if (prompt.size() == 1 && prompt.get(0).isTextual()) return tokens(prompt.get(0), tokenizer);
            List<Integer> out = new ArrayList<>();
            int vocab = tokenizer.vocabularySize();
            boolean first = true;
            for (JsonNode e : prompt) {
                if (e.isIntegralNumber()) {
                    long id = e.asLong();
                    if (id < 0 || id >= vocab) throw ApiError.invalid("prompt token " + id + " is outside the vocabulary (0.." + (vocab - 1) + ")");
                    out.add((int) id);
                } else if (e.isTextual()) {
                    for (int t : tokenizer.encode(e.asText(), first, true)) out.add(t);
                } else {
                    throw ApiError.invalid("'prompt' must be a string, or an array of token ids and strings");
                }
                first = false;
            }
            return out.stream().mapToInt(Integer::intValue).toArray();
        }
        throw ApiError.invalid("'prompt' must be a string, or an array of token ids and strings");
    }
}
