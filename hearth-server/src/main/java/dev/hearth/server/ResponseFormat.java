package dev.hearth.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.engine.CompletionResult;
import dev.hearth.engine.TokenEvent;
import java.util.List;

/**
 * How one family of routes words a generation: llama.cpp's native {@code /completion} JSON or
 * OpenAI's chat / text completion objects. A stream is {@link #opening()}, one {@link #partial} per
 * engine event, a {@link #closing} per prompt, then {@link #ending}; a non-streamed answer is
 * {@link #whole}. {@code index} is the prompt's place when a request has several.
 */
interface ResponseFormat {
    List<ObjectNode> opening();

    List<ObjectNode> partial(int index, TokenEvent event);

    List<ObjectNode> closing(int index, CompletionResult result);

    List<ObjectNode> ending(List<CompletionResult> results);

    JsonNode whole(List<CompletionResult> results);

    /** OpenAI streams end with {@code data: [DONE]}; llama.cpp's native one with a {@code "stop": true} chunk. */
    boolean endsWithDone();
}
