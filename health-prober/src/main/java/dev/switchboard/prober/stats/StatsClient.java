package dev.switchboard.prober.stats;

import dev.switchboard.prober.health.LiveTraffic;
import dev.switchboard.schemas.VersionKey;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Reads a version's live traffic over the last 24 hours from stats-streams (its per-minute totals, added up).
 * When stats-streams cannot answer, the figures are simply unknown: health checking goes on without them.
 */
public final class StatsClient {

    /** A version's recent traffic: what the health API shows, and what the health score weighs. */
    public record Recent(long totalRequests, long successRequests, LiveTraffic live) {

        /** Percent of requests that succeeded, to one decimal; 100 when there were none. */
        public double successRatePercent() {
            return totalRequests == 0 ? 100.0 : Math.round(1000.0 * successRequests / totalRequests) / 10.0;
        }
    }

    private static final Logger log = LoggerFactory.getLogger(StatsClient.class);

    private final HttpClient http;
    private final URI statsUrl;
    private final String adminToken;
    private final ObjectMapper json;
    private final Duration timeout;

    public StatsClient(final URI statsUrl, final String adminToken, final ObjectMapper json, final Duration timeout) {
        this.statsUrl = statsUrl;
        this.adminToken = adminToken;
        this.json = json;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    public Optional<Recent> recent(final VersionKey version) {
        final URI uri = statsUrl.resolve("/api/stats/providers/" + segment(version.category()) + "/"
            + segment(version.name()) + "/versions/" + segment(version.version()) + "/last-24h");
        try {
            final HttpResponse<String> answer = http.send(HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Authorization", "Bearer " + adminToken).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                log.debug("stats-streams answered HTTP {} for {}", answer.statusCode(), version);
                return Optional.empty();
            }
            return Optional.of(recent(json.readTree(answer.body()).path("data")));
        } catch (IOException | RuntimeException e) {
            log.debug("stats-streams did not answer for {}: {}", version, e.toString());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static Recent recent(final JsonNode day) {
        final long total = day.path("total_requests").asLong();
        final long successes = day.path("success_requests").asLong();
        final JsonNode kinds = day.path("failures_by_kind");
        // The version is judged on what it is to blame for: not a client's own errors, nor a client that left.
        final long versionFailures = kinds.path("upstream_error").asLong() + kinds.path("timeout").asLong();
        return new Recent(total, successes, new LiveTraffic(successes + versionFailures, successes,
            day.path("avg_response_time").asDouble()));
    }

    private static String segment(final String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
