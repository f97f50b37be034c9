package dev.switchboard.routing.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.PrematureChannelClosureException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The lean upstream client against a raw-socket upstream whose every answer (or silence) the test decides. */
class BufferedUpstreamTest {

    /** What the upstream does with the n-th request (from 1) on its c-th connection (from 1). */
    @FunctionalInterface
    private interface Behaviour {
        Reply reply(int connection, int request);
    }

    private enum Reply { ANSWER, ANSWER_AND_CLOSE, HANG_UP, SILENCE, HUGE, CHUNKED, CONTINUE_FIRST, BROKEN_OFF }

    private final MultiThreadIoEventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoop loop = loops.next();
    private final BufferedUpstream client = new BufferedUpstream(
        new BufferedUpstream.Limits(Duration.ofSeconds(2), 4, 1024, Duration.ofSeconds(30)));
    private RawUpstream upstream;

    @AfterEach
    void tearDown() throws IOException {
        client.close();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void shouldReuseOneKeepAliveConnectionForCallsInTurn() throws IOException {
        upstream = new RawUpstream((connection, request) -> Reply.ANSWER);

        for (int i = 0; i < 3; i++) {
            final UpstreamClient.Answer answer = call(Duration.ofSeconds(5));
            assertThat(answer.status()).isEqualTo(200);
            assertThat(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo("{\"ok\":1}");
            assertThat(answer.contentType()).contains("application/json");
        }
        assertThat(upstream.connections.get()).isEqualTo(1);
        assertThat(upstream.requests).allSatisfy(request -> assertThat(request)
            .startsWith("POST /v1/chat/completions HTTP/1.1")
            .contains("authorization: Bearer sk-test")
            .endsWith("{\"model\":\"m\"}"));
    }

    @Test
    void shouldSendOnceMoreOnAFreshConnectionWhenTheUpstreamDroppedAReusedOneUnanswered() throws IOException {
        upstream = new RawUpstream((connection, request) -> request == 2 ? Reply.HANG_UP : Reply.ANSWER);

        assertThat(call(Duration.ofSeconds(5)).status()).isEqualTo(200);
        assertThat(call(Duration.ofSeconds(5)).status()).isEqualTo(200);

        assertThat(upstream.connections.get()).isEqualTo(2);
        assertThat(upstream.requests).hasSize(3);
    }

    @Test
    void shouldNotSendAgainWhenAFreshConnectionIsDroppedUnanswered() throws IOException {
        upstream = new RawUpstream((connection, request) -> Reply.HANG_UP);

        assertThatThrownBy(() -> call(Duration.ofSeconds(5))).hasCauseInstanceOf(IOException.class);
        assertThat(upstream.requests).hasSize(1);
    }

    @Test
    void shouldOpenANewConnectionAfterAnAnswerThatClosesIt() throws IOException {
        upstream = new RawUpstream((connection, request) -> Reply.ANSWER_AND_CLOSE);

        assertThat(call(Duration.ofSeconds(5)).status()).isEqualTo(200);
        assertThat(call(Duration.ofSeconds(5)).status()).isEqualTo(200);

        assertThat(upstream.connections.get()).isEqualTo(2);
        assertThat(upstream.requests).hasSize(2);
    }

    @Test
    void shouldTimeOutWhenNoAnswerComesAndNotReuseThatConnection() throws IOException {
        upstream = new RawUpstream((connection, request) -> connection == 1 ? Reply.SILENCE : Reply.ANSWER);

        assertThatThrownBy(() -> call(Duration.ofMillis(200))).hasCauseInstanceOf(TimeoutException.class);
        assertThat(call(Duration.ofSeconds(5)).status()).isEqualTo(200);
        assertThat(upstream.connections.get()).isEqualTo(2);
    }

    @Test
    void shouldRefuseAnAnswerLargerThanTheLimitWithoutSendingAgain() throws IOException {
        upstream = new RawUpstream((connection, request) -> request == 1 ? Reply.ANSWER : Reply.HUGE);
        call(Duration.ofSeconds(5));

        assertThatThrownBy(() -> call(Duration.ofSeconds(5))).isInstanceOf(UpstreamClient.AnswerTooLarge.class);
        assertThat(upstream.requests).hasSize(2);
    }

    @Test
    void shouldGatherAChunkedAnswerWhole() throws IOException {
        upstream = new RawUpstream((connection, request) -> Reply.CHUNKED);

        final UpstreamClient.Answer answer = call(Duration.ofSeconds(5));

        assertThat(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo("{\"ok\":\"" + "y".repeat(700) + "\"}");
        assertThat(call(Duration.ofSeconds(5)).status()).isEqualTo(200);
        assertThat(upstream.connections.get()).isEqualTo(1);
    }

    @Test
    void shouldTakeTheAnswerAfterAnInformationalOne() throws IOException {
        upstream = new RawUpstream((connection, request) -> Reply.CONTINUE_FIRST);

        assertThat(new String(call(Duration.ofSeconds(5)).body(), StandardCharsets.UTF_8)).isEqualTo("{\"ok\":1}");
        assertThat(new String(call(Duration.ofSeconds(5)).body(), StandardCharsets.UTF_8)).isEqualTo("{\"ok\":1}");
        assertThat(upstream.connections.get()).isEqualTo(1);
    }

    @Test
    void shouldFailAnAnswerBrokenOffAndNotSendAgain() throws IOException {
        upstream = new RawUpstream((connection, request) -> request == 1 ? Reply.ANSWER : Reply.BROKEN_OFF);
        call(Duration.ofSeconds(5));

        assertThatThrownBy(() -> call(Duration.ofSeconds(5))).isInstanceOf(PrematureChannelClosureException.class);
        assertThat(upstream.requests).hasSize(2);
    }

    @Test
    void shouldRefuseAHeaderValueThatWouldStartAHeaderOfItsOwn() {
        final BufferedUpstream.Target target = BufferedUpstream.Target.of(URI.create("http://127.0.0.1:1/v1/x"));

        assertThatThrownBy(() -> BufferedUpstream.RequestHead.post(target, "Bearer sk\r\nx-injected: 1"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("code 13");
    }

    private UpstreamClient.Answer call(final Duration wait) {
        final BufferedUpstream.Target target =
            BufferedUpstream.Target.of(URI.create("http://127.0.0.1:" + upstream.port() + "/v1/chat/completions"));
        return client.exchange(loop, NioSocketChannel.class, BufferedUpstream.RequestHead.post(target, "Bearer sk-test"),
                "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8), wait)
            .block(Duration.ofSeconds(10));
    }

    /** An HTTP/1.1 upstream on plain sockets, one virtual thread per connection. */
    private static final class RawUpstream implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        private final Behaviour behaviour;
        final AtomicInteger connections = new AtomicInteger();
        final List<String> requests = new CopyOnWriteArrayList<>();

        RawUpstream(final Behaviour behaviour) throws IOException {
            this.behaviour = behaviour;
            threads.execute(this::accept);
        }

        int port() {
            return server.getLocalPort();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    final Socket socket = server.accept();
                    final int connection = connections.incrementAndGet();
                    threads.execute(() -> serve(socket, connection));
                } catch (final IOException closed) {
                    return;
                }
            }
        }

        private void serve(final Socket socket, final int connection) {
            try (socket) {
                final InputStream in = new BufferedInputStream(socket.getInputStream());
                final OutputStream out = socket.getOutputStream();
                for (int request = 1; ; request++) {
                    final String received = readRequest(in);
                    if (received == null) {
                        return;
                    }
                    requests.add(received);
                    switch (behaviour.reply(connection, request)) {
                        case ANSWER -> answer(out, "{\"ok\":1}", false);
                        case ANSWER_AND_CLOSE -> {
                            answer(out, "{\"ok\":1}", true);
                            return;
                        }
                        case HUGE -> answer(out, "x".repeat(4096), false);
                        case CHUNKED -> chunked(out, "{\"ok\":", "\"" + "y".repeat(700) + "\"}");
                        case CONTINUE_FIRST -> {
                            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                            answer(out, "{\"ok\":1}", false);
                        }
                        case BROKEN_OFF -> {
                            out.write(("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100"
                                + "\r\n\r\n{\"ok\":").getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            return;
                        }
                        case HANG_UP -> {
                            return;
                        }
                        case SILENCE -> {
                            while (in.read() >= 0) {
                                // hold the connection open, unanswered, until the client gives up on it
                            }
                            return;
                        }
                    }
                }
            } catch (final IOException gone) {
                // the client closed the connection
            }
        }

        private static void answer(final OutputStream out, final String body, final boolean close) throws IOException {
            final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            out.write(("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: " + bytes.length
                + (close ? "\r\nconnection: close" : "") + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
        }

        private static void chunked(final OutputStream out, final String... chunks) throws IOException {
            out.write("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
            for (final String chunk : chunks) {
                final byte[] bytes = chunk.getBytes(StandardCharsets.UTF_8);
                out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(bytes);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        /** The request's head and body as text, or null at the end of the connection. */
        private static String readRequest(final InputStream in) throws IOException {
            final StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                final int next = in.read();
                if (next < 0) {
                    return null;
                }
                head.append((char) next);
            }
            final String text = head.toString();
            int length = 0;
            for (final String line : text.split("\r\n")) {
                if (line.regionMatches(true, 0, "content-length:", 0, "content-length:".length())) {
                    length = Integer.parseInt(line.substring("content-length:".length()).trim());
                }
            }
            return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            server.close();
            threads.shutdownNow();
        }
    }
}
