package dev.switchboard.routing.web;

import java.io.ByteArrayOutputStream;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Every answer of the Spring side of the router (admin API, console, actuator) closes its connection, and is given
 * only once the request's body has been read whole.
 *
 * <p>Closing: the router serves {@code /v1} on Reactor Netty routes of its own and the rest through WebFlux, on one
 * server: a client that sent a {@code /v1} request on a keep-alive connection just answered by WebFlux (an actuator
 * probe, a refused {@code /api} call) got no answer, now and then, its request left unread in the socket's receive
 * queue (seen in FrontDoorIT and SwitchboardEndToEndIT: 367 bytes in Recv-Q, the event loops idle). These answers are
 * few, so a new connection each costs little; the clients' traffic on {@code /v1} keeps its connections.
 *
 * <p>Reading whole: a connection closed with part of its request unread is reset by the kernel, and the reset can
 * throw away the answer before the client has read it (seen in AdminFuzzIT: a refusal of a 60 KB body, answered
 * before the body was read, reached the client as "no bytes"). So the body is read first, as Tomcat swallows one:
 * kept up to one byte past the buffer the admin API reads bodies into ({@code spring.http.codecs.max-in-memory-size}),
 * so that an oversized body is still refused 413 by the handler, and the rest read and dropped, up to
 * {@code swallowLimit}; past that the client is not worth waiting for and may see the reset.
 */
final class ClosingAfterApiAnswers implements WebFilter, Ordered {

    private final int keepLimit;
    private final long swallowLimit;

    ClosingAfterApiAnswers(final int bufferLimit, final long swallowLimit) {
        this.keepLimit = bufferLimit + 1;
        this.swallowLimit = swallowLimit;
    }

    @Override
    public Mono<Void> filter(final ServerWebExchange exchange, final WebFilterChain chain) {
        // At commit, so an error handler that rebuilt the headers on the way out keeps it too.
        exchange.getResponse().beforeCommit(() -> {
            exchange.getResponse().getHeaders().setConnection("close");
            return Mono.empty();
        });
        final ServerHttpRequest request = exchange.getRequest();
        if (!hasBody(request.getHeaders())) {
            return chain.filter(exchange);
        }
        final WholeBody body = new WholeBody();
        return request.getBody()
            .takeWhile(body::take)
            .then(Mono.defer(() -> chain.filter(exchange.mutate().request(body.replacing(request)).build())));
    }

    private static boolean hasBody(final HttpHeaders headers) {
        return headers.getContentLength() > 0 || headers.containsHeader(HttpHeaders.TRANSFER_ENCODING);
    }

    /** Before the admin token filter, whose refusals close their connection too. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    /** A request body as it is read: its first bytes kept for the handler, the rest counted and dropped. */
    private final class WholeBody {

        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private long read;

        /** Takes one buffer (and releases it); false once past the swallow limit, which ends the reading. */
        boolean take(final DataBuffer buffer) {
            try {
                final int readable = buffer.readableByteCount();
                final int keep = (int) Math.min(readable, Math.max(0, keepLimit - kept.size()));
                if (keep > 0) {
                    final byte[] bytes = new byte[keep];
                    buffer.read(bytes);
                    kept.writeBytes(bytes);
                }
                read += readable;
                return read <= swallowLimit;
            } finally {
                DataBufferUtils.release(buffer);
            }
        }

        ServerHttpRequest replacing(final ServerHttpRequest request) {
            final byte[] bytes = kept.toByteArray();
            return new ServerHttpRequestDecorator(request) {
                @Override
                public Flux<DataBuffer> getBody() {
                    return bytes.length == 0 ? Flux.empty()
                        : Flux.defer(() -> Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(bytes)));
                }
            };
        }
    }
}
