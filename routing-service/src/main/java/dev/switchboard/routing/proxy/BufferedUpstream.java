package dev.switchboard.routing.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.ChannelPool;
import io.netty.channel.pool.FixedChannelPool;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import reactor.core.publisher.Mono;

/**
 * Plain request / answer calls to upstreams, with the whole answer buffered, over Netty's own channel pools: one
 * pool per event loop and upstream origin, so a call runs on the loop of the client request it serves and never
 * changes thread. This is the router's hottest path; a general reactive client spent more time on its own plumbing
 * (pool acquisition, per-request configuration, operators) than the proxying took, so this one does only what a
 * buffered call needs: acquire, write, read one aggregated answer, release.
 *
 * <p>A connection idle for {@code maxIdle} is closed. A request that finds its reused connection closed by the
 * upstream before any answer (an idle-close race) is sent once more on a fresh connection; every other failure
 * is the caller's to fail over.
 */
final class BufferedUpstream implements AutoCloseable {

    /** Where an upstream listens; one pool per origin and event loop. */
    record Origin(boolean tls, String host, int port) {
    }

    /** One endpoint of an upstream: its origin, the request target and the Host header, worked out once per url. */
    record Target(Origin origin, String path, String hostHeader) {

        static Target of(final URI uri) {
            final boolean tls = "https".equalsIgnoreCase(uri.getScheme());
            if (!tls && !"http".equalsIgnoreCase(uri.getScheme())) {
                throw new IllegalArgumentException("An upstream url must be http or https: " + uri);
            }
            final int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
            final String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            final String host = uri.getHost();
            return new Target(new Origin(tls, host, port), path, uri.getPort() > 0 ? host + ":" + port : host);
        }
    }

    /** Connection and size limits of the pools. */
    record Limits(Duration connectTimeout, int connectionsPerLoop, int maxAnswerBytes, Duration maxIdle) {
    }

    private final Limits limits;
    private final SslContext tls;
    /** Per event loop, its pools by origin; a loop's map is only touched on that loop. */
    private final Map<EventLoop, Map<Origin, ChannelPool>> pools = new ConcurrentHashMap<>();

    BufferedUpstream(final Limits limits) {
        this.limits = limits;
        try {
            this.tls = SslContextBuilder.forClient().build();
        } catch (final SSLException e) {
            throw new IllegalStateException("No TLS client context could be built", e);
        }
    }

    /**
     * Sends {@code body} to {@code target} and buffers the whole answer. Runs on {@code loop}; fails with a
     * {@link TimeoutException} when no answer came within {@code wait}. Cancelling the returned publisher closes the
     * connection, since its answer would otherwise arrive for nobody.
     *
     * @param transport the channel class of the client's connection: upstream connections use the same transport
     * @param headers   sets the request's own headers (content type, accept, credentials)
     */
    Mono<UpstreamClient.Answer> exchange(final EventLoop loop, final Class<? extends Channel> transport,
                                         final Target target, final Consumer<HttpHeaders> headers, final byte[] body,
                                         final Duration wait) {
        return Mono.create(sink -> {
            final Call call = new Call(loop, target, headers, body);
            call.result.addListener(done -> {
                if (done.isSuccess()) {
                    sink.success(call.result.getNow());
                } else {
                    sink.error(done.cause());
                }
            });
            sink.onCancel(call::abandon);
            // The pool is looked up on the loop: each loop's map of pools is only ever touched by that loop.
            final Runnable start = () -> call.start(pool(loop, transport, target.origin()), wait);
            if (loop.inEventLoop()) {
                start.run();
            } else {
                loop.execute(start);
            }
        });
    }

    private ChannelPool pool(final EventLoop loop, final Class<? extends Channel> transport, final Origin origin) {
        // Each loop's map is created once, then read and changed only by that loop's thread.
        return pools.computeIfAbsent(loop, l -> new HashMap<>())
            .computeIfAbsent(origin, o -> newPool(loop, transport, o));
    }

    private ChannelPool newPool(final EventLoop loop, final Class<? extends Channel> transport, final Origin origin) {
        final Bootstrap bootstrap = new Bootstrap().group(loop).channel(transport)
            .remoteAddress(origin.host(), origin.port())
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(limits.connectTimeout().toMillis()))
            .option(ChannelOption.TCP_NODELAY, true);
        return new FixedChannelPool(bootstrap, new AbstractChannelPoolHandler() {
            @Override
            public void channelCreated(final Channel channel) {
                if (origin.tls()) {
                    channel.pipeline().addLast(verifyingHostname(tls.newHandler(channel.alloc(), origin.host(),
                        origin.port())));
                }
                channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(limits.maxAnswerBytes()),
                    new IdleStateHandler(0, 0, limits.maxIdle().toMillis(), TimeUnit.MILLISECONDS),
                    new AnswerHandler());
            }
        }, ChannelHealthChecker.ACTIVE, FixedChannelPool.AcquireTimeoutAction.FAIL, limits.connectTimeout().toMillis(),
            limits.connectionsPerLoop(), limits.connectionsPerLoop(), true, true);
    }

    private static SslHandler verifyingHostname(final SslHandler handler) {
        final SSLEngine engine = handler.engine();
        final SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(parameters);
        return handler;
    }

    /** One buffered call: acquire a connection, write the request, take the answer, give the connection back. */
    private static final class Call {
        final EventLoop loop;
        /** Set when the call starts, on the loop. */
        ChannelPool pool;
        final Target target;
        final Consumer<HttpHeaders> headers;
        final byte[] body;
        final Promise<UpstreamClient.Answer> result;
        ScheduledFuture<?> timer;
        Channel channel;
        boolean resent;

        Call(final EventLoop loop, final Target target, final Consumer<HttpHeaders> headers, final byte[] body) {
            this.loop = loop;
            this.target = target;
            this.headers = headers;
            this.body = body;
            this.result = loop.newPromise();
        }

        void start(final ChannelPool onThisLoop, final Duration wait) {
            pool = onThisLoop;
            timer = loop.schedule(this::timedOut, Math.max(1, wait.toNanos()), TimeUnit.NANOSECONDS);
            acquire();
        }

        private void acquire() {
            pool.acquire().addListener((Future<Channel> acquired) -> {
                if (!acquired.isSuccess()) {
                    fail(acquired.cause());
                } else if (result.isDone()) {
                    pool.release(acquired.getNow()); // timed out or abandoned while waiting for a connection
                } else {
                    send(acquired.getNow());
                }
            });
        }

        private void send(final Channel acquired) {
            channel = acquired;
            final AnswerHandler handler = acquired.pipeline().get(AnswerHandler.class);
            handler.begin(this);
            acquired.writeAndFlush(request()).addListener(written -> {
                if (!written.isSuccess()) {
                    handler.broken(written.cause());
                }
            });
        }

        private FullHttpRequest request() {
            final FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                target.path(), Unpooled.wrappedBuffer(body));
            request.headers().set(HttpHeaderNames.HOST, target.hostHeader())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            headers.accept(request.headers());
            return request;
        }

        void answered(final FullHttpResponse answer, final boolean reusable) {
            final UpstreamClient.Answer taken = new UpstreamClient.Answer(answer.status().code(),
                Optional.ofNullable(answer.headers().get(HttpHeaderNames.CONTENT_TYPE)),
                UpstreamClient.retryAfter(answer.headers().get(HttpHeaderNames.RETRY_AFTER)),
                ByteBufUtil.getBytes(answer.content()));
            final Channel used = channel;
            channel = null;
            if (!reusable) {
                used.close();
            }
            pool.release(used);
            timer.cancel(false);
            result.trySuccess(taken);
        }

        /** The connection failed or closed before the answer; {@code reused} when it had served a call before. */
        void broken(final Throwable cause, final boolean reused) {
            final Channel used = channel;
            channel = null;
            used.close();
            pool.release(used);
            if (reused && !resent && !result.isDone() && cause instanceof IOException) {
                // The upstream closed an idle connection as the request went out on it: once more, on a fresh one.
                resent = true;
                acquire();
                return;
            }
            fail(cause);
        }

        private void timedOut() {
            fail(new TimeoutException("No answer from " + target.hostHeader() + " in time"));
        }

        void abandon() {
            if (loop.inEventLoop()) {
                fail(new IllegalStateException("abandoned"));
            } else {
                loop.execute(() -> fail(new IllegalStateException("abandoned")));
            }
        }

        private void fail(final Throwable cause) {
            if (!result.tryFailure(cause)) {
                return;
            }
            if (timer != null) {
                timer.cancel(false);
            }
            if (channel != null) { // the answer would arrive for nobody: the connection cannot be reused
                final Channel used = channel;
                channel = null;
                used.pipeline().get(AnswerHandler.class).end();
                used.close();
                pool.release(used);
            }
        }
    }

    /** The last handler of a pooled connection: hands the aggregated answer to the call in progress. */
    private static final class AnswerHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        private Call current;
        private int served;

        void begin(final Call call) {
            current = call;
        }

        void end() {
            current = null;
        }

        @Override
        protected void channelRead0(final ChannelHandlerContext context, final FullHttpResponse answer) {
            final Call call = current;
            current = null;
            if (call == null) {
                context.close(); // an answer nobody asked for: the connection is out of step
                return;
            }
            served++;
            call.answered(answer, HttpUtil.isKeepAlive(answer));
        }

        void broken(final Throwable cause) {
            final Call call = current;
            current = null;
            if (call != null) {
                call.broken(cause, served > 0);
            }
        }

        @Override
        public void channelInactive(final ChannelHandlerContext context) {
            // Most closes are of idle pooled connections, with no call on them: no exception (and its stack) for those.
            if (current != null) {
                broken(new ClosedChannelException());
            }
            context.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext context, final Throwable cause) {
            broken(cause);
            context.close();
        }

        @Override
        public void userEventTriggered(final ChannelHandlerContext context, final Object event) {
            if (event instanceof IdleStateEvent && current == null) {
                context.close();
            }
        }
    }

    @Override
    public void close() {
        pools.values().forEach(byOrigin -> byOrigin.values().forEach(ChannelPool::close));
    }
}
