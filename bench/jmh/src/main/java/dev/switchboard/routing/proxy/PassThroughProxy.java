package dev.switchboard.routing.proxy;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The floor under the router's throughput (bench/router, {@code BENCH_PARTS=floor}): a reverse proxy made of the
 * router's own HTTP parts, Reactor Netty's server and the router's lean upstream client ({@link BufferedUpstream}),
 * doing nothing else: no keys, no routing, no body parsing, no outcome events, no request log, no metrics. Whatever
 * it reaches against nginx in the same run is as far as the router could go on this machine with these parts.
 *
 * <p>Usage: {@code PassThroughProxy PORT UPSTREAM_URL}; every POST is sent to the upstream url as it came.
 */
public final class PassThroughProxy {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private PassThroughProxy() {
    }

    public static void main(final String[] args) {
        final int port = Integer.parseInt(args[0]);
        final BufferedUpstream.RequestHead head =
            BufferedUpstream.RequestHead.post(BufferedUpstream.Target.of(URI.create(args[1])), null);
        final BufferedUpstream upstream = new BufferedUpstream(
            new BufferedUpstream.Limits(Duration.ofSeconds(5), 512, 16 * 1024 * 1024, Duration.ofSeconds(60)));
        final DisposableServer server = HttpServer.create().host("127.0.0.1").port(port)
            .route(routes -> routes.post("/**", (request, response) -> relay(upstream, head, request, response)))
            .bindNow();
        System.out.println("Pass-through proxy listening on " + server.port() + ", to " + args[1]);
        server.onDispose().block();
    }

    private static Mono<Void> relay(final BufferedUpstream upstream, final BufferedUpstream.RequestHead head,
                                    final HttpServerRequest request, final HttpServerResponse response) {
        final AtomicReference<Channel> client = new AtomicReference<>();
        response.withConnection(connection -> client.set(connection.channel()));
        return request.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0])
            .flatMap(body -> upstream.exchange(client.get().eventLoop(), client.get().getClass(), head, body, WAIT))
            .flatMap(answer -> response.status(HttpResponseStatus.valueOf(answer.status()))
                .header(HttpHeaderNames.CONTENT_TYPE, answer.contentType().orElse("application/json"))
                .sendByteArray(Mono.just(answer.body())).then());
    }
}
