package dev.switchboard.routing.proxy;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.ObjectMapper;

/**
 * The OpenAI-compatible front door: {@code POST /v1/chat/completions}, {@code /v1/embeddings} and
 * {@code /v1/audio/speech}, where {@code model} names a logical provider.
 */
@RestController
class OpenAiController {

    /** The sticky subject of a request; the body's {@code user} when absent. */
    static final String SESSION_HEADER = "X-Session-Id";

    private final ProviderProxy proxy;
    private final ObjectMapper json;

    OpenAiController(final ProviderProxy proxy, final ObjectMapper json) {
        this.proxy = proxy;
        this.json = json;
    }

    @PostMapping({"/v1/chat/completions", "/v1/embeddings", "/v1/audio/speech"})
    void serve(@RequestHeader(value = HttpHeaders.CONTENT_TYPE, required = false) final String contentType,
               @RequestHeader(value = SESSION_HEADER, required = false) final String sessionId,
               @RequestBody(required = false) final byte[] body, final HttpServletRequest request,
               final HttpServletResponse response) throws IOException {
        requireJson(contentType);
        proxy.handle(ApiRequest.parse(Operation.ofPath(request.getServletPath()), body, json),
            Optional.ofNullable(sessionId), response);
    }
    /** A missing Content-Type is read as JSON, as OpenAI does; a form or anything else is refused plainly. */
    private static void requireJson(final String contentType) {
        if (contentType == null) {
            return;
        }
        final MediaType type;
        try {
            type = MediaType.parseMediaType(contentType);
        } catch (InvalidMediaTypeException e) {
            throw FrontDoorException.unsupportedMediaType("Content-Type '" + contentType + "' is not valid; send application/json");
        }
        if (!type.isCompatibleWith(MediaType.APPLICATION_JSON)) {
            throw FrontDoorException.unsupportedMediaType("Content-Type must be application/json, got '" + contentType + "'");
        }
    }
}
