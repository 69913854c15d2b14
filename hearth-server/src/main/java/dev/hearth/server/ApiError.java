package dev.hearth.server;

import java.util.Map;

/**
 * An error answered to the client in OpenAI's shape {@code {"error":{"code","message","type"}}},
 * with llama-server's error types and their statuses. Thrown anywhere in a handler; the server's
 * exception mapping turns it into the response.
 */
public final class ApiError extends RuntimeException {
    public final int status;
    public final String type;
    /** extra fields of the error object (e.g. n_prompt_tokens, n_ctx) */
    public final Map<String, Object> extra;

    public ApiError(int status, String type, String message, Map<String, Object> extra) {
        super(message);
        this.status = status;
        this.type = type;
        this.extra = extra;
    }

    public static ApiError invalid(String message) {
        return new ApiError(400, "invalid_request_error", message, Map.of());
    }

    public static ApiError notFound(String message) {
        return new ApiError(404, "not_found_error", message, Map.of());
    }

    public static ApiError unauthorized() {
        return new ApiError(401, "authentication_error", "Invalid API Key", Map.of());
    }

    public static ApiError notSupported(String message) {
        return new ApiError(501, "not_supported_error", message, Map.of());
    }

    public static ApiError unavailable(String message) {
        return new ApiError(503, "unavailable_error", message, Map.of());
    }

    public static ApiError server(String message) {
        return new ApiError(500, "server_error", message, Map.of());
    }

    public static ApiError tooLarge(long limit) {
        return new ApiError(413, "invalid_request_error", "the request body is larger than the limit of " + limit + " bytes", Map.of());
    }
}
