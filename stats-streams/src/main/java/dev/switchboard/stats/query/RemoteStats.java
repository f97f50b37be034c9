package dev.switchboard.stats.query;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.kafka.streams.state.HostInfo;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * Asks the stats-streams instance that holds a version for its answer, with the caller's own request (path, query,
 * bearer token), and relays it as it came. A forwarded request is marked, so an instance that does not hold the
 * key either (ownership moved in between) answers a retryable 503 rather than passing it on again.
 */
public final class RemoteStats {

    public static final String FORWARDED_HEADER = "X-Switchboard-Forwarded-By";
    /** Names the instance whose store gave the answer. */
    public static final String ANSWERED_BY_HEADER = "X-Switchboard-Answered-By";

    private final HttpClient http;
    private final Duration timeout;
    private final HostInfo self;

    public RemoteStats(final HostInfo self, final Duration timeout) {
        this.self = self;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** @throws StoreNotReadyException when the owner cannot be asked, or the request was forwarded here already */
    ResponseEntity<String> ask(final HostInfo owner, final HttpServletRequest request) {
        if (request.getHeader(FORWARDED_HEADER) != null) {
            throw new StoreNotReadyException("of " + owner, null); // ownership is moving: the caller retries
        }
        final String query = request.getQueryString();
        final URI target = URI.create("http://" + owner.host() + ":" + owner.port() + request.getRequestURI()
            + (query == null ? "" : "?" + query));
        final HttpRequest.Builder forwarded = HttpRequest.newBuilder(target).timeout(timeout).GET()
            .header(FORWARDED_HEADER, self.host() + ":" + self.port());
        final String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null) {
            forwarded.header(HttpHeaders.AUTHORIZATION, authorization);
        }
        try {
            final HttpResponse<String> answer = http.send(forwarded.build(), HttpResponse.BodyHandlers.ofString());
            final ResponseEntity.BodyBuilder relayed = ResponseEntity.status(answer.statusCode());
            answer.headers().firstValue(HttpHeaders.CONTENT_TYPE).map(MediaType::parseMediaType)
                .ifPresent(relayed::contentType);
            for (final String header : new String[] {HttpHeaders.RETRY_AFTER, ANSWERED_BY_HEADER}) {
                answer.headers().firstValue(header).ifPresent(value -> relayed.header(header, value));
            }
            return relayed.body(answer.body());
        } catch (IOException e) {
            throw new StoreNotReadyException("of " + owner + " (it did not answer: " + e.getClass().getSimpleName()
                + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreNotReadyException("of " + owner, e);
        }
    }
}
