package dev.switchboard.routing.proxy;

import dev.switchboard.common.security.BearerTokens;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;
import tools.jackson.databind.ObjectMapper;

/**
 * The OpenAI-compatible front door: {@code POST /v1/chat/completions}, {@code /v1/embeddings} and
 * {@code /v1/audio/speech}, where {@code model} names a logical provider, and {@code GET /v1/models}, behind client
 * keys. It is a route of
 * the Netty server itself rather than a WebFlux handler: this is the hot path, and the framework's exchange,
 * handler lookup and codecs would cost more than the proxying does. Errors answer in OpenAI's shape.
 */
public final class OpenAiFrontDoor {

    /** The sticky subject of a request; the body's {@code user} when absent. */
    public static final String SESSION_HEADER = "X-Session-Id";

    private static final Logger log = LoggerFactory.getLogger(OpenAiFrontDoor.class);
    private static final String MODELS = "/v1/models";
    private static final byte[] NO_BODY = new byte[0];

    private final ProviderProxy proxy;
    private final BearerTokens clientKeys;
    private final int maxRequestBytes;
    private final ObjectMapper json;

    public OpenAiFrontDoor(final ProviderProxy proxy, final BearerTokens clientKeys, final int maxRequestBytes) {
        this.proxy = proxy;
        this.clientKeys = clientKeys;
        this.maxRequestBytes = maxRequestBytes;
        this.json = proxy.json();
    }

    /**
     * A route per operation's path, whatever the method, so a request finds its operation once; the models list;
     * and every other {@code /v1} path, answered in OpenAI's shape too.
     */
    public HttpServerRoutes addRoutes(final HttpServerRoutes routes) {
        HttpServerRoutes all = routes;
        for (final Operation operation : Operation.values()) {
            all = all.route(request -> path(request).equals(operation.routerPath()),
                (request, response) -> handle(request, response, () -> serve(operation, request, response)));
        }
        return all
            .route(request -> path(request).equals(MODELS) || path(request).startsWith(MODELS + "/"),
                (request, response) -> handle(request, response, () -> models(request, response)))
            .route(request -> path(request).equals("/v1") || path(request).startsWith("/v1/"),
                (request, response) -> handle(request, response, () -> {
                    authorize(request);
                    throw FrontDoorException.notFound("Unknown path " + request.method() + " " + path(request)
                        + "; this router serves POST /v1/chat/completions, /v1/embeddings, /v1/audio/speech and "
                        + "GET /v1/models");
                }));
    }

    /** {@code GET /v1/models} and {@code GET /v1/models/{id}}: the logical providers, in OpenAI's shapes. */
    private Mono<Void> models(final HttpServerRequest request, final HttpServerResponse response) {
        authorize(request);
        if (!HttpMethod.GET.equals(request.method())) {
            response.header(HttpHeaderNames.ALLOW, "GET");
            throw FrontDoorException.methodNotAllowed(MODELS + " takes GET, not " + request.method());
        }
        final String path = path(request);
        final Object answer = path.equals(MODELS) ? ModelList.of(proxy.providers())
            : ModelList.model(proxy.resolve(URLDecoder.decode(path.substring(MODELS.length() + 1),
                StandardCharsets.UTF_8)));
        final byte[] bytes = json.writeValueAsBytes(answer);
        return response.status(200)
            .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
            .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(bytes.length))
            .sendByteArray(Mono.just(bytes)).then();
    }

    /** The request's path without its query, read plainly: {@code fullPath()} parses a whole URI on every request. */
    private static String path(final HttpServerRequest request) {
        final String uri = request.uri();
        final int query = uri.indexOf('?');
        return query < 0 ? uri : uri.substring(0, query);
    }

    private Mono<Void> handle(final HttpServerRequest request, final HttpServerResponse response,
                              final Supplier<Mono<Void>> serve) {
        return Mono.defer(serve).onErrorResume(e -> OpenAiErrors.write(response, answerTo(e, request), json));
    }

    /** The error a client gets for a failure: its own, or a plain 500 for one the router did not expect. */
    private static FrontDoorException answerTo(final Throwable failure, final HttpServerRequest request) {
        if (failure instanceof FrontDoorException answer) {
            log.debug("Front door answered {}: {}", answer.status(), answer.getMessage());
            return answer;
        }
        log.error("Unexpected failure serving {}", path(request), failure);
        return FrontDoorException.internal("The router failed unexpectedly; the request may be retried");
    }

    private Mono<Void> serve(final Operation operation, final HttpServerRequest request,
                             final HttpServerResponse response) {
        authorize(request);
        if (!HttpMethod.POST.equals(request.method())) {
            response.header(HttpHeaderNames.ALLOW, "POST");
            throw FrontDoorException.methodNotAllowed(operation.routerPath() + " takes POST, not " + request.method());
        }
        requireJson(request.requestHeaders().get(HttpHeaderNames.CONTENT_TYPE));
        final Optional<String> session = Optional.ofNullable(request.requestHeaders().get(SESSION_HEADER));
        final Optional<String> pin = Optional.ofNullable(request.requestHeaders().get(ProviderProxy.PIN_HEADER));
        return body(request).flatMap(bytes -> proxy.handle(ApiRequest.parse(operation, bytes, json), session, pin,
            response));
    }

    private void authorize(final HttpServerRequest request) {
        final String authorization = request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
        if (!clientKeys.accepts(authorization)) {
            throw FrontDoorException.unauthorized(BearerTokens.refusal(authorization, "client key"));
        }
    }

    /** The whole request body, refused beyond the configured size whether or not a Content-Length announced it. */
    private Mono<byte[]> body(final HttpServerRequest request) {
        final String announced = request.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
        final long length = announced == null ? -1 : parseLength(announced);
        if (length > maxRequestBytes) {
            return Mono.error(tooLarge());
        }
        // The chunks are gathered as Netty's buffers and copied out once: a long chat history is most of a request.
        // A body with a Content-Length is read to that length and no further, so only a chunked one is counted.
        final ByteBufFlux chunks = length >= 0 ? request.receive() : ByteBufFlux.fromInbound(counted(request));
        return chunks.aggregate().asByteArray().defaultIfEmpty(NO_BODY);
    }

    /** A chunked body's chunks, refused as soon as they add up to more than the router accepts. */
    private Flux<ByteBuf> counted(final HttpServerRequest request) {
        final AtomicLong received = new AtomicLong();
        return request.receive().doOnNext(chunk -> {
            if (received.addAndGet(chunk.readableBytes()) > maxRequestBytes) {
                throw tooLarge();
            }
        });
    }

    private FrontDoorException tooLarge() {
        return FrontDoorException.tooLarge("The request body is larger than the " + maxRequestBytes
            + " bytes this router accepts (switchboard.routing.max-request-size)");
    }

    private static long parseLength(final String contentLength) {
        try {
            return Math.max(0, Long.parseLong(contentLength.strip()));
        } catch (NumberFormatException e) {
            throw FrontDoorException.invalidRequest("Content-Length is not a number: '" + contentLength + "'");
        }
    }

    /** A missing Content-Type is read as JSON, as OpenAI does; a form or anything else is refused plainly. */
    private static void requireJson(final String contentType) {
        if (contentType == null || contentType.equalsIgnoreCase("application/json")) {
            return;
        }
        final String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!type.equals("application/json") && !type.endsWith("+json")) {
            throw FrontDoorException.unsupportedMediaType("Content-Type must be application/json, got '"
                + contentType + "'");
        }
    }
}
