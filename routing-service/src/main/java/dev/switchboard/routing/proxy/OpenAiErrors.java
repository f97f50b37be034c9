package dev.switchboard.routing.proxy;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.ObjectMapper;

/** OpenAI's error body, the one shape every {@code /v1} failure is answered in. */
public final class OpenAiErrors {

    private OpenAiErrors() {
    }

    public static Map<String, Object> body(final String message, final String type, final String code) {
        final Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", type);
        error.put("param", null);
        error.put("code", code);
        return Map.of("error", error);
    }

    /** Writes an error answer, unless the response is already on its way (a stream that broke off). */
    public static void write(final HttpServletResponse response, final int status, final String message,
                             final String type, final String code, final ObjectMapper json) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.setStatus(status);
        response.setContentType("application/json");
        response.getOutputStream().write(json.writeValueAsBytes(body(message, type, code)));
    }

    /** The 401 of the client-key filter. */
    public static void writeUnauthorized(final HttpServletResponse response, final String message,
                                         final ObjectMapper json) throws IOException {
        write(response, HttpServletResponse.SC_UNAUTHORIZED, message, "invalid_request_error", "invalid_api_key", json);
    }
}
