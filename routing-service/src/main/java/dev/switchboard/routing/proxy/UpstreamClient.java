package dev.switchboard.routing.proxy;

import dev.switchboard.routing.table.ProviderType;
import dev.switchboard.routing.table.VersionConfig;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * Calls a version's upstream over pooled keep-alive connections. Blocking by design: every request runs on its
 * own virtual thread, so a plain blocking client scales with the number of requests in flight, and the answer's
 * body is read as it arrives (a stream is never buffered whole).
 */
final class UpstreamClient implements AutoCloseable {

    /** An upstream's answer; the caller must close it, which returns or discards the connection. */
    record Answer(int status, Optional<String> contentType, InputStream body, Closeable connection)
        implements Closeable {

        @Override
        public void close() throws IOException {
            connection.close();
        }
    }

    /** The upstream did not connect or answer in time. */
    static final class TimedOut extends IOException {
        TimedOut(final IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private final CloseableHttpClient http;
    private final Duration responseTimeout;

    UpstreamClient(final Duration connectTimeout, final Duration responseTimeout, final int maxConnectionsPerUpstream) {
        final PoolingHttpClientConnectionManager pool = PoolingHttpClientConnectionManagerBuilder.create()
            .setMaxConnTotal(maxConnectionsPerUpstream * 4)
            .setMaxConnPerRoute(maxConnectionsPerUpstream)
            .setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true).build())
            .setDefaultConnectionConfig(ConnectionConfig.custom()
                .setConnectTimeout(Timeout.of(connectTimeout))
                .setSocketTimeout(Timeout.of(responseTimeout))
                .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                .build())
            .build();
        this.http = HttpClients.custom()
            .setConnectionManager(pool)
            .disableAutomaticRetries() // retries are the failover's decision, across versions
            .disableRedirectHandling()
            .disableCookieManagement()
            .disableContentCompression() // relay bytes as the upstream sent them
            .evictIdleConnections(TimeValue.ofSeconds(30))
            .build();
        this.responseTimeout = responseTimeout;
    }

    /**
     * Sends a request of {@code operation} to a version.
     *
     * @param timeLeft the request's remaining deadline; the wait for each part of the answer is the shorter of
     *                 it and the configured response timeout
     * @throws TimedOut when the upstream did not connect or answer in time
     */
    Answer send(final VersionConfig version, final Operation operation, final byte[] body, final boolean stream,
                final Duration timeLeft) throws IOException {
        final HttpPost post = new HttpPost(uri(version, operation));
        post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
        post.setHeader("Accept", stream ? "text/event-stream" : "*/*");
        // The version's own key goes to its own upstream only, never anywhere else.
        version.secrets().get("api_key").ifPresent(key -> post.setHeader("Authorization", "Bearer " + key));
        final Duration wait = timeLeft.compareTo(responseTimeout) < 0 ? timeLeft : responseTimeout;
        post.setConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(wait.isNegative() ? Duration.ZERO : wait))
            .build());
        try {
            final ClassicHttpResponse response = http.executeOpen(null, post, null);
            final Header type = response.getFirstHeader("Content-Type");
            final InputStream content = response.getEntity() == null ? InputStream.nullInputStream()
                : response.getEntity().getContent();
            return new Answer(response.getCode(), Optional.ofNullable(type).map(Header::getValue), content, response);
        } catch (InterruptedIOException e) {
            throw new TimedOut(e); // connect and socket timeouts alike
        }
    }

    /**
     * OpenAI-compatible and Ollama versions answer at {@code {url}/v1/{operation}} (a url ending in {@code /v1}
     * is taken as is); a plain HTTP pass-through version is called at its url exactly.
     */
    static URI uri(final VersionConfig version, final Operation operation) {
        if (version.protocol() == ProviderType.HTTP) {
            return version.url();
        }
        final String base = version.url().toString().replaceAll("/+$", "");
        return URI.create((base.endsWith("/v1") ? base : base + "/v1") + "/" + operation.path());
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}
