package dev.switchboard.routing.proxy;

import dev.switchboard.routing.table.Endpoints;
import dev.switchboard.routing.table.ProviderType;
import dev.switchboard.routing.table.VersionConfig;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.resources.ConnectionProvider;

/**
 * Calls a version's upstream over pooled keep-alive connections, without blocking a thread: the router's event
 * loops serve the client and call the upstream, so a request in flight costs a connection, not a thread. Each
 * event loop has its own connection pools, so a request and its upstream call always run on the same thread:
 * handing a request between loops costs more than the proxying itself. A pool is per upstream address; together,
 * a loop's pools to one upstream hold at most their share of {@code maxConnectionsPerUpstream}.
 *
 * <p>Plain answers, the bulk of the traffic, go through {@link BufferedUpstream}, a lean client made for them;
 * answers that may be streams go through Reactor Netty's client, whose per-request cost is small next to a
 * stream's length and which relays chunks with back-pressure into the server response.
 */
final class UpstreamClient {

    /**
     * A whole, buffered answer: plain (non-streamed) answers are small and relayed with a Content-Length.
     *
     * @param retryAfter the upstream's {@code Retry-After} in seconds, passed on with its 429 or 503
     */
    record Answer(int status, Optional<String> contentType, Optional<String> retryAfter, byte[] body) {

        /** The answer Reactor Netty's client read, with its whole body. */
        static Answer of(final HttpClientResponse response, final byte[] body) {
            return new Answer(response.status().code(), UpstreamClient.contentType(response),
                UpstreamClient.retryAfter(response.responseHeaders().get(HttpHeaderNames.RETRY_AFTER)), body);
        }
    }

    /** A plain answer larger than the router takes ({@code switchboard.routing.max-answer-size}). */
    static final class AnswerTooLarge extends RuntimeException {

        AnswerTooLarge(final int maxAnswerBytes) {
            super("the answer is larger than " + maxAnswerBytes + " bytes", null, false, false);
        }
    }

    /** An answer's {@code Retry-After} when it is a number of seconds (an HTTP date is not passed on). */
    static Optional<String> retryAfter(final String header) {
        return header != null && header.strip().matches("\\d{1,6}") ? Optional.of(header.strip()) : Optional.empty();
    }

    /** One event loop's client and the pools it owns. */
    private record Lane(HttpClient http, ConnectionProvider pool) {
    }

    /** How long a pooled connection may sit unused before it is closed. */
    private static final Duration MAX_IDLE = Duration.ofSeconds(30);

    /** Endpoints already worked out, per version url and operation; a new url is rare (a config change). */
    private static final int MAX_CACHED_URLS = 4096;

    /**
     * An operation's endpoint at one url, in the form each of the two clients takes, with the lean client's request
     * heads for it by credential (most endpoints are called with one key; a rotated key adds one).
     */
    private static final class Endpoint {

        /** Heads kept at most per endpoint; past it (keys rotated many times), they are worked out again. */
        private static final int MAX_HEADS = 64;

        final URI uri;
        private final BufferedUpstream.Target target;
        private final Map<String, BufferedUpstream.RequestHead> heads = new ConcurrentHashMap<>();

        Endpoint(final URI uri) {
            this.uri = uri;
            this.target = BufferedUpstream.Target.of(uri);
        }

        /** The head of a call with {@code key} as its bearer token, or with none when the key is empty. */
        BufferedUpstream.RequestHead head(final String key) {
            final BufferedUpstream.RequestHead known = heads.get(key);
            if (known != null) {
                return known;
            }
            if (heads.size() >= MAX_HEADS) {
                heads.clear();
            }
            final BufferedUpstream.RequestHead head =
                BufferedUpstream.RequestHead.post(target, key.isEmpty() ? null : "Bearer " + key);
            heads.put(key, head);
            return head;
        }
    }

    private final Duration connectTimeout;
    private final Duration responseTimeout;
    private final int connectionsPerLane;
    private final Map<EventLoop, Lane> lanes = new ConcurrentHashMap<>();
    private final Map<URI, Endpoint[]> endpoints = new ConcurrentHashMap<>();
    private final BufferedUpstream buffered;
    private final Endpoints urls;
    private final PlainAnswerClient plainClient;
    private final int maxAnswerBytes;

    /**
     * @param eventLoops      how many event loops share the connections
     * @param responseTimeout the longest wait for any part of an answer (headers, or the next chunk of a stream)
     * @param maxAnswerBytes  the largest plain answer taken from an upstream
     * @param urls            where each version is called: its url, or its type's endpoint
     * @param plainClient     which client takes plain answers
     */
    UpstreamClient(final int eventLoops, final Duration connectTimeout, final Duration responseTimeout,
                   final int maxConnectionsPerUpstream, final int maxAnswerBytes, final Endpoints urls,
                   final PlainAnswerClient plainClient) {
        this.urls = urls;
        this.plainClient = plainClient;
        this.maxAnswerBytes = maxAnswerBytes;
        this.connectTimeout = connectTimeout;
        this.responseTimeout = responseTimeout;
        this.connectionsPerLane = Math.max(1, (maxConnectionsPerUpstream + eventLoops - 1) / eventLoops);
        this.buffered = new BufferedUpstream(new BufferedUpstream.Limits(connectTimeout, connectionsPerLane,
            maxAnswerBytes, MAX_IDLE));
    }

    private HttpClient on(final EventLoop loop) {
        return lanes.computeIfAbsent(loop, this::newLane).http();
    }

    private Lane newLane(final EventLoop loop) {
        final ConnectionProvider pool = ConnectionProvider.builder("switchboard-upstreams-" + lanes.size())
            .maxConnections(connectionsPerLane)
            .pendingAcquireMaxCount(connectionsPerLane) // beyond connections and waiters, fail at once
            .pendingAcquireTimeout(connectTimeout)
            .maxIdleTime(MAX_IDLE)
            .evictInBackground(MAX_IDLE)
            .build();
        final HttpClient http = HttpClient.create(pool)
            .runOn(loop) // an event loop is a group of one: every connection of this lane lives on it
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(connectTimeout.toMillis()))
            .option(ChannelOption.TCP_NODELAY, true)
            .compress(false)        // relay bytes as the upstream sent them
            .followRedirect(false)  // retries and redirects are the failover's decision, across versions
            .keepAlive(true);
        return new Lane(http, pool);
    }

    /**
     * A plain answer's whole body, refused with {@link AnswerTooLarge} as soon as it grows past the router's limit
     * rather than held in memory whatever its size.
     */
    Mono<byte[]> whole(final ByteBufFlux content) {
        return content.asByteArray()
            .reduceWith(ByteArrayOutputStream::new, (all, chunk) -> {
                if (all.size() + chunk.length > maxAnswerBytes) {
                    throw new AnswerTooLarge(maxAnswerBytes);
                }
                all.writeBytes(chunk);
                return all;
            })
            .map(ByteArrayOutputStream::toByteArray)
            .defaultIfEmpty(new byte[0]);
    }

    /**
     * Sends a request and buffers the whole answer, on the event loop and transport of the client's connection;
     * the upstream connection goes back to its pool before the client is answered.
     */
    Mono<Answer> exchange(final Channel client, final VersionConfig version, final Operation operation,
                          final byte[] body, final Duration timeLeft) {
        if (plainClient == PlainAnswerClient.REACTOR) {
            return request(client.eventLoop(), version, operation, body, timeLeft).response((answer, content) ->
                whole(content).map(bytes -> Answer.of(answer, bytes))).next();
        }
        final BufferedUpstream.RequestHead head;
        try {
            // The version's own key goes to its own upstream only, never anywhere else.
            head = endpoint(version, operation).head(version.secrets().get("api_key").orElse(""));
        } catch (IllegalArgumentException e) {
            return Mono.error(e);
        }
        return buffered.exchange(client.eventLoop(), client.getClass(), head, body, wait(timeLeft));
    }

    /**
     * Sends a request whose answer may be a stream: {@code relay} gets the status and headers first and the body
     * as it arrives, and the connection is held until the publisher it returns ends.
     */
    <T> Mono<T> open(final EventLoop loop, final VersionConfig version, final Operation operation, final byte[] body,
                     final Duration timeLeft, final BiFunction<HttpClientResponse, ByteBufFlux, Mono<T>> relay) {
        return request(loop, version, operation, body, timeLeft).response(relay).singleOrEmpty();
    }

    static Optional<String> contentType(final HttpClientResponse answer) {
        return Optional.ofNullable(answer.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE));
    }

    private HttpClient.ResponseReceiver<?> request(final EventLoop loop, final VersionConfig version,
                                                   final Operation operation, final byte[] body,
                                                   final Duration timeLeft) {
        return on(loop).post()
            .uri(endpoint(version, operation).uri)
            .send((request, out) -> {
                request.header(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length))
                    .header(HttpHeaderNames.ACCEPT, "text/event-stream");
                // The version's own key goes to its own upstream only, never anywhere else.
                version.secrets().get("api_key")
                    .ifPresent(key -> request.header(HttpHeaderNames.AUTHORIZATION, "Bearer " + key));
                request.responseTimeout(wait(timeLeft));
                return out.send(Mono.just(Unpooled.wrappedBuffer(body)));
            });
    }

    /** The wait for an answer: the response timeout, or less when the request's deadline comes first. */
    private Duration wait(final Duration timeLeft) {
        final Duration wait = timeLeft.compareTo(responseTimeout) < 0 ? timeLeft : responseTimeout;
        return wait.isNegative() || wait.isZero() ? Duration.ofMillis(1) : wait;
    }

    /**
     * The parsed endpoint, computed once per url: the client takes a {@link URI} as it is, where a string would be
     * parsed again on every request.
     */
    private Endpoint endpoint(final VersionConfig version, final Operation operation) {
        final URI base = urls.of(version).orElseThrow(() -> new IllegalStateException(
            urls.whyNotRoutable(version).orElseThrow())); // selection never picks such a version
        Endpoint[] byOperation = endpoints.get(base);
        if (byOperation == null) {
            if (endpoints.size() >= MAX_CACHED_URLS) {
                endpoints.clear(); // urls of long-deleted versions; the live ones come back at once
            }
            byOperation = new Endpoint[Operation.values().length];
            for (final Operation each : Operation.values()) {
                byOperation[each.ordinal()] = new Endpoint(URI.create(uri(base, version.protocol(), each)));
            }
            endpoints.put(base, byOperation);
        }
        return byOperation[operation.ordinal()];
    }

    /**
     * OpenAI-compatible and Ollama versions answer at {@code {url}/v1/{operation}} (a url ending in {@code /v1}
     * is taken as is); a plain HTTP pass-through version is called at its url exactly.
     */
    static String uri(final URI base, final ProviderType protocol, final Operation operation) {
        final String url = base.toString();
        if (protocol == ProviderType.HTTP) {
            return url;
        }
        int end = url.length();
        while (end > 0 && url.charAt(end - 1) == '/') {
            end--;
        }
        final String trimmed = url.substring(0, end);
        return (trimmed.endsWith("/v1") ? trimmed : trimmed + "/v1") + "/" + operation.path();
    }

    void close() {
        buffered.close();
        lanes.values().forEach(lane -> lane.pool().dispose());
    }
}
