package dev.switchboard.routing.proxy;

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

/** OpenAI's {@code POST /v1/chat/completions}, where {@code model} names a logical provider. */
@RestController
class ChatCompletionsController {

    /** The sticky subject of a request; the body's {@code user} when absent. */
    static final String SESSION_HEADER = "X-Session-Id";

    private final ChatProxy proxy;
    private final ObjectMapper json;

    ChatCompletionsController(final ChatProxy proxy, final ObjectMapper json) {
        this.proxy = proxy;
        this.json = json;
    }

    @PostMapping("/v1/chat/completions")
    void chatCompletions(@RequestHeader(value = HttpHeaders.CONTENT_TYPE, required = false) final String contentType,
                         @RequestHeader(value = SESSION_HEADER, required = false) final String sessionId,
                         @RequestBody(required = false) final byte[] body, final HttpServletResponse response)
        throws IOException {
        requireJson(contentType);
        proxy.handle(ChatRequest.parse(body, json), Optional.ofNullable(sessionId), response);
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
