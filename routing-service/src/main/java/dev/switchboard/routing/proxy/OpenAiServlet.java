package dev.switchboard.routing.proxy;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;

/**
 * The OpenAI-compatible front door: {@code POST /v1/chat/completions}, {@code /v1/embeddings} and
 * {@code /v1/audio/speech}, where {@code model} names a logical provider. A plain servlet rather than a Spring
 * MVC controller: this is the hot path, and the dispatcher's handler lookup, argument resolution and message
 * conversion cost more than the proxying itself. Errors answer in OpenAI's shape.
 */
public final class OpenAiServlet extends HttpServlet {

    /** The sticky subject of a request; the body's {@code user} when absent. */
    public static final String SESSION_HEADER = "X-Session-Id";
    public static final String[] PATHS = {"/v1/chat/completions", "/v1/embeddings", "/v1/audio/speech"};

    private static final Logger log = LoggerFactory.getLogger(OpenAiServlet.class);

    private final transient ProviderProxy proxy;
    private final transient ObjectMapper json;

    public OpenAiServlet(final ProviderProxy proxy, final ObjectMapper json) {
        this.proxy = proxy;
        this.json = json;
    }

    @Override
    protected void doPost(final HttpServletRequest request, final HttpServletResponse response) throws IOException {
        try {
            requireJson(request.getContentType());
            final byte[] body = request.getInputStream().readAllBytes();
            proxy.handle(ApiRequest.parse(Operation.ofPath(request.getServletPath()), body, json),
                Optional.ofNullable(request.getHeader(SESSION_HEADER)), response);
        } catch (FrontDoorException e) {
            log.debug("Front door answered {}: {}", e.status(), e.getMessage());
            if (e.retryable()) {
                response.setHeader("Retry-After", "1");
            }
            OpenAiErrors.write(response, e.status(), e.getMessage(), e.type(), e.code(), json);
        } catch (RuntimeException e) {
            log.error("Unexpected failure serving {}", request.getServletPath(), e);
            OpenAiErrors.write(response, 500, "The router failed unexpectedly; the request may be retried",
                "server_error", "internal_error", json);
        }
    }

    /** A missing Content-Type is read as JSON, as OpenAI does; a form or anything else is refused plainly. */
    private static void requireJson(final String contentType) {
        if (contentType == null) {
            return;
        }
        final String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!type.equals("application/json") && !type.endsWith("+json")) {
            throw FrontDoorException.unsupportedMediaType("Content-Type must be application/json, got '"
                + contentType + "'");
        }
    }
}
