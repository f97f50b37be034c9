package dev.switchboard.routing.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.LinkedHashMap;
import java.util.Map;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.ObjectMapper;

/** OpenAI's error body, the one shape every {@code /v1} failure is answered in. */
final class OpenAiErrors {

    private OpenAiErrors() {
    }

    static Map<String, Object> body(final String message, final String type, final String code) {
        final Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", type);
        error.put("param", null);
        error.put("code", code);
        return Map.of("error", error);
    }

    /**
     * Answers with {@code error}, unless the answer is already on its way (a stream that broke off), in which case
     * there is nothing left to tell the client.
     */
    static Mono<Void> write(final HttpServerResponse response, final FrontDoorException error, final ObjectMapper json) {
        if (response.hasSentHeaders()) {
            return Mono.empty();
        }
        final byte[] bytes = json.writeValueAsBytes(body(error.getMessage(), error.type(), error.code()));
        response.status(error.status())
            .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
            .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(bytes.length));
        if (error.retryable()) {
            response.header(HttpHeaderNames.RETRY_AFTER, error.retryAfter());
        }
        if (error.status() == 401) {
            response.header(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
        }
        return response.sendByteArray(Mono.just(bytes)).then();
    }
}
