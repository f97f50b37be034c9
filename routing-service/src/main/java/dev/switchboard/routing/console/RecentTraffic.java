package dev.switchboard.routing.console;

import dev.switchboard.routing.RoutingProperties;
import dev.switchboard.schemas.VersionKey;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.JsonNode;

/**
 * Every version's traffic over the last few minutes, asked of stats-streams ({@code /api/stats/versions/recent},
 * which gathers every instance's share). When stats-streams does not answer in time, the answer says why and the
 * console shows "stats unavailable" on the panels that need it.
 */
final class RecentTraffic {

    private static final Logger log = LoggerFactory.getLogger(RecentTraffic.class);

    /** The console refreshes every 2 s: an answer later than this is not worth waiting for. */
    static final Duration TIMEOUT = Duration.ofMillis(1500);

    /** What stats-streams said: each version's traffic, or why there is none. */
    sealed interface Answer {
        record Counted(Map<String, ProvidersOverview.Traffic> byVersion, String from, String to) implements Answer {
        }

        record Unavailable(String reason) implements Answer {
        }
    }

    private final WebClient stats;
    private final URI statsUrl;

    RecentTraffic(final ReactorResourceFactory resources, final RoutingProperties routing) {
        this.statsUrl = routing.statsUrl();
        this.stats = WebClient.builder().clientConnector(new ReactorClientHttpConnector(resources, c -> c))
            .baseUrl(statsUrl.toString()).build();
    }

    /** @param authorization the caller's own bearer header, passed on: stats-streams checks it too */
    Answer lastMinutes(final int minutes, final String authorization) {
        try {
            final JsonNode answer = stats.get().uri(u -> u.path("/api/stats/versions/recent")
                    .queryParam("minutes", minutes).build())
                .headers(h -> Optional.ofNullable(authorization).ifPresent(a -> h.set(HttpHeaders.AUTHORIZATION, a)))
                .retrieve().bodyToMono(JsonNode.class).block(TIMEOUT);
            if (answer == null) {
                return new Answer.Unavailable("stats-streams at " + statsUrl + " gave an empty answer");
            }
            final Map<String, ProvidersOverview.Traffic> byVersion = new HashMap<>();
            for (final JsonNode version : answer.path("versions")) {
                final VersionKey key = new VersionKey(version.path("category").asString(),
                    version.path("name").asString(), version.path("version").asString());
                byVersion.put(key.toString(), new ProvidersOverview.Traffic(version.path("total_requests").asLong(),
                    version.path("requests_per_second").asDouble(),
                    version.path("error_rate").isNumber() ? version.path("error_rate").asDouble() : null,
                    version.path("p50_response_time").asDouble(), version.path("p95_response_time").asDouble(),
                    version.path("cost_per_request_usd").isNumber() ? version.path("cost_per_request_usd").asDouble()
                        : null));
            }
            return new Answer.Counted(byVersion, answer.path("from").asString(), answer.path("to").asString());
        } catch (RuntimeException e) {
            log.debug("stats-streams did not give the recent traffic: {}", e.toString());
            return new Answer.Unavailable("stats-streams at " + statsUrl + " did not answer ("
                + e.getClass().getSimpleName() + "); routing, health and configuration below are this router's own");
        }
    }
}
