package dev.switchboard.common.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP receiver of webhooks for the tests: it answers 200 to every POST and keeps what it received. It can be
 * made on a port before it listens, so a test can point a channel at a receiver that is down.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** One request as received. */
    public record Received(String path, String body, Instant at, HttpHeadersView headers) {
    }

    /** The request's headers, case-insensitively. */
    public record HttpHeadersView(com.sun.net.httpserver.Headers headers) {
        public Optional<String> first(final String name) {
            return Optional.ofNullable(headers.getFirst(name));
        }
    }

    private final int port;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private HttpServer server;

    public WebhookReceiver(final int port) {
        this.port = port;
    }

    public int port() {
        return port;
    }

    public String url(final String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** Starts listening (again). */
    public synchronized WebhookReceiver start() throws IOException {
        if (server == null) {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
            server.createContext("/", this::handle);
            server.start();
        }
        return this;
    }

    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    private void handle(final HttpExchange exchange) throws IOException {
        try (exchange) {
            final String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(exchange.getRequestURI().getPath(), body, Instant.now(),
                new HttpHeadersView(exchange.getRequestHeaders())));
            exchange.sendResponseHeaders(200, -1);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
