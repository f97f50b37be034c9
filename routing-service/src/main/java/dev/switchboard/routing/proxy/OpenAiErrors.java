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

    /** The 401 of the client-key filter. */
    public static void writeUnauthorized(final HttpServletResponse response, final String message,
                                         final ObjectMapper json) throws IOException {
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setContentType("application/json");
        response.getWriter().write(json.writeValueAsString(body(message, "invalid_request_error", "invalid_api_key")));
    }
}
