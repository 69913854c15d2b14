package dev.hearth.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.engine.CompletionResult;
import dev.hearth.engine.TokenEvent;
import java.util.List;

/**
 * How one family of routes words a generation: llama.cpp's native {@code /completion} JSON or
 * OpenAI's chat / text completion objects. A stream is {@link #opening()}, one {@link #partial} per
 * engine event, then {@link #closing}; a non-streamed answer is {@link #whole}.
 */
interface ResponseFormat {
    List<ObjectNode> opening();

    List<ObjectNode> partial(TokenEvent event);

    List<ObjectNode> closing(CompletionResult result);

    ObjectNode whole(CompletionResult result);

    /** OpenAI streams end with {@code data: [DONE]}; llama.cpp's native one with a {@code "stop": true} chunk. */
    boolean endsWithDone();
}
