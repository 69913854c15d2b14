package dev.hearth.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Reading request bodies (size limit, strict UTF-8, JSON) and the one shared Jackson mapper. */
final class Json {
    static final ObjectMapper MAPPER = JsonMapper.builder().disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build();

    private Json() { }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The request body as a JSON object: 413 over the limit, 400 for invalid UTF-8, bad JSON or a non-object. */
    static ObjectNode body(Context ctx, long limit) {
        String text = text(ctx, limit);
        if (text.isBlank()) throw ApiError.invalid("the request body is empty; a JSON object is expected");
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw ApiError.invalid("the request body is not valid JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode o)) throw ApiError.invalid("the request body must be a JSON object");
        return o;
    }

    /**
     * How much of a body over the limit is still read (and dropped) before the 413 goes out. A client writes its
     * whole body before it reads the answer; refused mid-body, with the connection closed under it, it sees a broken
     * pipe instead of the 413 (ServerTest's oversized body did, now and then). Past this, the connection is dropped.
     */
    static final long DRAIN_LIMIT = 16L << 20;

    private static String text(Context ctx, long limit) {
        long declared = ctx.req().getContentLengthLong();
        byte[] bytes;
        try (InputStream in = ctx.req().getInputStream()) {
            if (declared > limit) {
                if (declared <= DRAIN_LIMIT) drain(in);
                throw ApiError.tooLarge(limit);
            }
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            byte[] chunk = new byte[16384];
            int n;
            while ((n = in.read(chunk)) > 0) {
                if (buf.size() + n > limit) {
                    drain(in);
                    throw ApiError.tooLarge(limit);
                }
                buf.write(chunk, 0, n);
            }
            bytes = buf.toByteArray();
        } catch (IOException e) {
            throw ApiError.invalid("could not read the request body: " + e.getMessage());
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw ApiError.invalid("the request body is not valid UTF-8");
        }
    }

    /** Reads and drops up to {@link #DRAIN_LIMIT} bytes of what is left of a refused body. */
    private static void drain(InputStream in) throws IOException {
        byte[] chunk = new byte[16384];
        long left = DRAIN_LIMIT;
        int n;
        while (left > 0 && (n = in.read(chunk, 0, (int) Math.min(chunk.length, left))) > 0) left -= n;
    }

    /** The error response body in OpenAI's shape. */
    static ObjectNode error(ApiError e) {
        ObjectNode root = object();
        ObjectNode err = root.putObject("error");
        err.put("code", e.status);
        err.put("message", e.getMessage());
        err.put("type", e.type);
        e.extra.forEach((k, v) -> err.set(k, MAPPER.valueToTree(v)));
        return root;
    }
}
