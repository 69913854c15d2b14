package dev.hearth.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/** {@code /tokenize}, {@code /detokenize} and {@code /apply-template}: text tools that do not generate. */
final class TokenRoutes {
    private final Supplier<LoadedModel> model;
    private final ServerConfig cfg;

    TokenRoutes(Supplier<LoadedModel> model, ServerConfig cfg) {
        this.model = model;
        this.cfg = cfg;
    }

    void tokenize(Context ctx) {
        LoadedModel m = model.get();
        ObjectNode body = Json.body(ctx, cfg.maxBodyBytes());
        CompletionParams.Reader r = new CompletionParams.Reader(body);
        String content = r.string("content", null);
        if (content == null) throw ApiError.invalid("'content' (a string) is required");
        int[] ids = m.tokenizer.encode(content, r.bool("add_special", false), r.bool("parse_special", true));
        boolean withPieces = r.bool("with_pieces", false);
        ObjectNode out = Json.object();
        ArrayNode tokens = out.putArray("tokens");
        for (int id : ids) {
            if (!withPieces) { tokens.add(id); continue; }
            ObjectNode t = tokens.addObject();
            t.put("id", id);
            byte[] piece = m.tokenizer.piece(id, true);
            // a piece that is not valid UTF-8 on its own (part of a character) is given as its bytes
            try {
                t.put("piece", StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(piece)).toString());
            } catch (CharacterCodingException e) {
                ArrayNode b = t.putArray("piece");
                for (byte x : piece) b.add(x & 0xff);
            }
        }
        InfoRoutes.json(ctx, out);
    }

    void detokenize(Context ctx) {
        LoadedModel m = model.get();
        ObjectNode body = Json.body(ctx, cfg.maxBodyBytes());
        JsonNode tokens = body.get("tokens");
        if (tokens == null || !tokens.isArray()) throw ApiError.invalid("'tokens' (an array of token ids) is required");
        int vocab = m.tokenizer.vocabularySize();
        int[] ids = new int[tokens.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode t = tokens.get(i);
            if (!t.isIntegralNumber() || t.asLong() < 0 || t.asLong() >= vocab)
                throw ApiError.invalid("'tokens' must hold token ids between 0 and " + (vocab - 1));
            ids[i] = t.asInt();
        }
        ObjectNode out = Json.object();
        out.put("content", m.tokenizer.decode(ids));
        InfoRoutes.json(ctx, out);
    }

    void applyTemplate(Context ctx) {
        LoadedModel m = model.get();
        ObjectNode body = Json.body(ctx, cfg.maxBodyBytes());
        ObjectNode out = Json.object();
        out.put("prompt", ChatPrompt.render(body, m));
        InfoRoutes.json(ctx, out);
    }
}
