package dev.switchboard.routing.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.ChannelPool;
import io.netty.channel.pool.FixedChannelPool;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Plain request / answer calls to upstreams, with the whole answer buffered, over Netty's own channel pools: one
 * pool per event loop and upstream origin, so a call runs on the loop of the client request it serves and never
 * changes thread. This is the router's hottest path; a general reactive client spent more time on its own plumbing
 * (pool acquisition, per-request configuration, operators) than the proxying took, so this one does only what a
 * buffered call needs: acquire, write, read one answer, release. A request's head is the same bytes on every call to
 * a target but for its length ({@link RequestHead}), so it is written once and copied, not built from header objects
 * and encoded per call; the answer's body is copied into one array as it arrives, not gathered into buffers first.
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

    /**
     * The head of a POST to one target with one credential, up to the value of its {@code content-length}, the one
     * header that changes from call to call.
     */
    static final class RequestHead {
        private final Target target;
        private final byte[] bytes;

        private RequestHead(final Target target, final byte[] bytes) {
            this.target = target;
            this.bytes = bytes;
        }

        /**
         * The head of a JSON request to {@code target}, with {@code authorization} if not null.
         *
         * @throws IllegalArgumentException if a header value holds a character that may not be sent in one (a line
         *                                  break would start a header of its own)
         */
        static RequestHead post(final Target target, final @Nullable String authorization) {
            final StringBuilder head = new StringBuilder(160).append("POST ").append(checked(target.path()))
                .append(" HTTP/1.1\r\n");
            header(head, HttpHeaderNames.HOST, target.hostHeader());
            header(head, HttpHeaderNames.CONTENT_TYPE, "application/json");
            header(head, HttpHeaderNames.ACCEPT, "*/*");
            if (authorization != null) {
                header(head, HttpHeaderNames.AUTHORIZATION, authorization);
            }
            head.append(HttpHeaderNames.CONTENT_LENGTH).append(": ");
            return new RequestHead(target, head.toString().getBytes(StandardCharsets.US_ASCII));
        }

        private static void header(final StringBuilder head, final CharSequence name, final String value) {
            head.append(name).append(": ").append(checked(value)).append("\r\n");
        }

        /** A value is sent as it is: printable ASCII (and tabs) only. */
        private static String checked(final String value) {
            for (int i = 0; i < value.length(); i++) {
                final char c = value.charAt(i);
                if ((c < ' ' && c != '\t') || c > '~') {
                    throw new IllegalArgumentException("A request header or path holds a character that cannot be "
                        + "sent in one (code " + (int) c + " at " + i + ")");
                }
            }
            return value;
        }

        Target target() {
            return target;
        }

        /** The whole request: this head, the body's length, the blank line and the body, in one buffer. */
        ByteBuf write(final ByteBuf out, final byte[] body) {
            out.writeBytes(bytes);
            writeDigits(out, body.length);
            out.writeShort(('\r' << 8) | '\n').writeShort(('\r' << 8) | '\n');
            return out.writeBytes(body);
        }

        int length(final byte[] body) {
            return bytes.length + 10 + 4 + body.length;
        }

        private static void writeDigits(final ByteBuf out, final int value) {
            int divisor = 1;
            while (divisor <= value / 10) {
                divisor *= 10;
            }
            for (; divisor > 0; divisor /= 10) {
                out.writeByte('0' + value / divisor % 10);
            }
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
     * Sends {@code body} to the head's target and buffers the whole answer. Runs on {@code loop}; fails with a
     * {@link TimeoutException} when no answer came within {@code wait}. Cancelling the returned publisher closes the
     * connection, since its answer would otherwise arrive for nobody.
     *
     * @param transport the channel class of the client's connection: upstream connections use the same transport
     * @param head      the request's head: its target, content type, accept and credentials
     */
    Mono<UpstreamClient.Answer> exchange(final EventLoop loop, final Class<? extends Channel> transport,
                                         final RequestHead head, final byte[] body, final Duration wait) {
        return Mono.create(sink -> {
            final Call call = new Call(loop, head, body);
            call.result.addListener(done -> {
                if (done.isSuccess()) {
                    sink.success(call.result.getNow());
                } else {
                    sink.error(done.cause());
                }
            });
            sink.onCancel(call::abandon);
            // The pool is looked up on the loop: each loop's map of pools is only ever touched by that loop.
            final Runnable start = () -> call.start(pool(loop, transport, head.target().origin()), wait);
            if (loop.inEventLoop()) {
                start.run();
            } else {
                loop.execute(start);
            }
        });
    }

    private ChannelPool pool(final EventLoop loop, final Class<? extends Channel> transport, final Origin origin) {
        // Each loop's map is created once, then read and changed only by that loop's thread. Looked up before it
        // is computed: the computing lambda captures, and would be made on every call.
        final Map<Origin, ChannelPool> onLoop = pools.computeIfAbsent(loop, l -> new HashMap<>());
        final ChannelPool known = onLoop.get(origin);
        return known != null ? known : onLoop.computeIfAbsent(origin, o -> newPool(loop, transport, o));
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
                // Only POSTs are sent, so the answers need no request to be read by (as a HEAD's would).
                channel.pipeline().addLast(new HttpResponseDecoder(),
                    new IdleStateHandler(0, 0, limits.maxIdle().toMillis(), TimeUnit.MILLISECONDS),
                    new AnswerHandler(limits.maxAnswerBytes()));
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
        final RequestHead head;
        final byte[] body;
        final Promise<UpstreamClient.Answer> result;
        ScheduledFuture<?> timer;
        Channel channel;
        boolean resent;

        Call(final EventLoop loop, final RequestHead head, final byte[] body) {
            this.loop = loop;
            this.head = head;
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
            acquired.writeAndFlush(head.write(acquired.alloc().buffer(head.length(body)), body))
                .addListener(written -> {
                    if (!written.isSuccess()) {
                        handler.broken(written.cause());
                    }
                });
        }

        void answered(final UpstreamClient.Answer answer, final boolean reusable) {
            final Channel used = channel;
            channel = null;
            if (!reusable) {
                used.close();
            }
            pool.release(used);
            timer.cancel(false);
            result.trySuccess(answer);
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
            fail(new TimeoutException("No answer from " + head.target().hostHeader() + " in time"));
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

    /**
     * The last handler of a pooled connection: reads the answer to the call in progress, its body copied into one
     * array as it comes, and hands it over once whole. An answer the decoder could not read, or one larger than the
     * router takes, breaks the call and closes the connection (the rest of it would be read as the next answer).
     */
    private static final class AnswerHandler extends SimpleChannelInboundHandler<HttpObject> {
        private final int maxAnswerBytes;
        private Call current;
        private int served;
        /** The answer being read: its head, then its body so far; no head while an informational answer is read. */
        private HttpResponse answer;
        private byte[] body;
        private int length;

        AnswerHandler(final int maxAnswerBytes) {
            this.maxAnswerBytes = maxAnswerBytes;
        }

        void begin(final Call call) {
            current = call;
        }

        void end() {
            current = null;
            answer = null;
            body = null;
        }

        @Override
        protected void channelRead0(final ChannelHandlerContext context, final HttpObject part) {
            if (current == null) {
                context.close(); // an answer nobody asked for: the connection is out of step
            } else if (part.decoderResult().isFailure()) {
                broken(part.decoderResult().cause());
                context.close();
            } else {
                if (part instanceof HttpResponse head) {
                    readHead(head);
                }
                if (part instanceof HttpContent content && answer != null) {
                    append(content);
                }
                if (part instanceof LastHttpContent && answer != null) {
                    finish();
                }
            }
        }

        private void readHead(final HttpResponse head) {
            if (head.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                return; // a 100 Continue and the like: the answer follows it
            }
            final long declared = HttpUtil.getContentLength(head, -1L);
            if (declared > maxAnswerBytes) {
                tooLarge();
                return;
            }
            answer = head;
            body = new byte[declared >= 0 ? (int) declared : Math.min(1024, maxAnswerBytes)];
            length = 0;
        }

        private void append(final HttpContent content) {
            final ByteBuf bytes = content.content();
            final int readable = bytes.readableBytes();
            if (length + readable > maxAnswerBytes) {
                tooLarge();
                return;
            }
            if (length + readable > body.length) {
                body = Arrays.copyOf(body, Math.min(maxAnswerBytes, Math.max(length + readable, body.length * 2)));
            }
            bytes.getBytes(bytes.readerIndex(), body, length, readable);
            length += readable;
        }

        private void finish() {
            final Call call = current;
            final HttpResponse head = answer;
            final byte[] whole = length == body.length ? body : Arrays.copyOf(body, length);
            end();
            served++;
            call.answered(new UpstreamClient.Answer(head.status().code(),
                Optional.ofNullable(head.headers().get(HttpHeaderNames.CONTENT_TYPE)),
                UpstreamClient.retryAfter(head.headers().get(HttpHeaderNames.RETRY_AFTER)), whole),
                HttpUtil.isKeepAlive(head));
        }

        private void tooLarge() {
            broken(new UpstreamClient.AnswerTooLarge(maxAnswerBytes));
        }

        void broken(final Throwable cause) {
            final Call call = current;
            end();
            if (call != null) {
                call.broken(cause, served > 0);
            }
        }

        @Override
        public void channelInactive(final ChannelHandlerContext context) {
            // Most closes are of idle pooled connections, with no call on them: no exception (and its stack) for those.
            // A close before any answer may be the upstream's idle close racing the request, which is sent again; a
            // close in the middle of an answer is not, since the upstream has taken the request.
            if (current != null) {
                broken(answer == null ? new ClosedChannelException()
                    : new PrematureChannelClosureException("The upstream closed the connection in the middle of its answer"));
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
