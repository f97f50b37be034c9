package dev.switchboard.stats.query;

import dev.switchboard.schemas.VersionKey;
import dev.switchboard.stats.daily.DailyStats;
import dev.switchboard.stats.json.StatsJson;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.springframework.http.HttpHeaders;
import io.swagger.v3.oas.annotations.Hidden;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Daily stats of many versions side by side: a provider's versions with the provider's totals, and the totals of
 * every provider. The versions are spread over the instances by partition, so every instance is asked for its
 * share ({@link ClusterShares}); the totals add the versions' distributions up, so their percentiles are those of
 * all the traffic, not an average of percentiles.
 */
@RestController
class ProviderStatsController {

    /** The recent view covers at most the last hour. */
    static final int MAX_RECENT_MINUTES = 60;

    private final ClusterShares shares;
    private final Clock clock;

    ProviderStatsController(final ClusterShares shares, final Clock clock) {
        this.shares = shares;
        this.clock = clock;
    }

    @GetMapping("/api/stats/providers/{category}/{name}/daily")
    Map<String, Object> provider(@PathVariable final String category, @PathVariable final String name,
                                 @RequestParam(required = false) final String from,
                                 @RequestParam(required = false) final String to,
                                 final HttpServletRequest request) {
        final String provider = QueryParameters.provider(category, name);
        final QueryParameters.Days days = QueryParameters.days(from, to, clock);
        final ClusterShares.Gathered gathered = shares.gather(Optional.of(provider), ClusterShares.Span.days(days),
            authorization(request));
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("category", category);
        body.put("name", name);
        body.put("from", days.first().toString());
        body.put("to", days.last().toString());
        body.put("versions", grouped(gathered.windows(), VersionKey::version).entrySet().stream()
            .map(version -> withTotal(Map.of("version", version.getKey()), version.getValue())).toList());
        body.put("totals", withTotal(Map.of(), gathered.windows()));
        body.put("answered_by", gathered.instances());
        return body;
    }

    @GetMapping("/api/stats/totals/daily")
    Map<String, Object> totals(@RequestParam(required = false) final String from,
                               @RequestParam(required = false) final String to, final HttpServletRequest request) {
        final QueryParameters.Days days = QueryParameters.days(from, to, clock);
        final ClusterShares.Gathered gathered = shares.gather(Optional.empty(), ClusterShares.Span.days(days),
            authorization(request));
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("from", days.first().toString());
        body.put("to", days.last().toString());
        body.put("providers", grouped(gathered.windows(), VersionKey::provider).entrySet().stream()
            .map(provider -> {
                final VersionKey any = provider.getValue().get(0).version();
                final Map<String, Object> first = new LinkedHashMap<>();
                first.put("category", any.category());
                first.put("name", any.name());
                return StatsJson.of(first, sum(provider.getValue()));
            }).toList());
        body.putAll(withTotal(Map.of(), gathered.windows()));
        body.put("answered_by", gathered.instances());
        return body;
    }

    /**
     * Every version's totals over the last few minutes, from the minute windows: what the console's providers view
     * shows live (traffic, error rate, percentiles per version). The minutes counted are the current one and the
     * {@code minutes - 1} before it; {@code requests_per_second} divides by the time they cover so far.
     */
    @GetMapping("/api/stats/versions/recent")
    Map<String, Object> recent(@RequestParam(defaultValue = "5") final int minutes, final HttpServletRequest request) {
        if (minutes < 1 || minutes > MAX_RECENT_MINUTES) {
            throw new BadQueryException("'minutes' must be from 1 to " + MAX_RECENT_MINUTES + ", got " + minutes);
        }
        final Instant now = clock.instant();
        final Instant from = now.truncatedTo(ChronoUnit.MINUTES).minus(minutes - 1L, ChronoUnit.MINUTES);
        final ClusterShares.Gathered gathered = shares.gather(Optional.empty(), ClusterShares.Span.minutes(from, now),
            authorization(request));
        final double seconds = Math.max(1, Duration.between(from, now).toMillis() / 1000.0);
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("from", from.toString());
        body.put("to", now.toString());
        body.put("versions", grouped(gathered.windows(), VersionKey::toString).values().stream().map(windows -> {
            final VersionKey key = windows.get(0).version();
            final DailyStats sum = sum(windows);
            final Map<String, Object> first = new LinkedHashMap<>();
            first.put("category", key.category());
            first.put("name", key.name());
            first.put("version", key.version());
            first.put("requests_per_second", Math.round(sum.total() / seconds * 100) / 100.0);
            first.put("error_rate", sum.total() == 0 ? null
                : Math.round(10_000.0 * sum.failures() / sum.total()) / 10_000.0);
            return StatsJson.of(first, sum);
        }).toList());
        body.put("answered_by", gathered.instances());
        return body;
    }

    /** This instance's share of a many-version query; {@link ClusterShares} asks every instance for it. */
    @Hidden // between the instances, not for clients
    @GetMapping(ClusterShares.SHARE_PATH)
    ClusterShares.Share share(@RequestParam final String store, @RequestParam final String from,
                              @RequestParam final String to,
                              @RequestParam(required = false) final String provider) {
        final Optional<String> checked = Optional.ofNullable(provider).map(p -> {
            final String[] parts = p.split("/", -1);
            if (parts.length != 2) {
                throw new BadQueryException("'provider' has the form {category}/{name}, got '" + p + "'");
            }
            return QueryParameters.provider(parts[0], parts[1]);
        });
        final Instant first = QueryParameters.instant("from", from, null);
        final Instant last = QueryParameters.instant("to", to, null);
        if (first == null || last == null) {
            throw new BadQueryException("'from' and 'to' are both needed");
        }
        return shares.local(checked, new ClusterShares.Span(store, first, last));
    }

    /** Per-day totals of the windows, oldest first, and their sum over the range. */
    private static Map<String, Object> withTotal(final Map<String, Object> first,
                                                 final List<LocalStores.VersionWindow> windows) {
        final Map<Instant, List<LocalStores.VersionWindow>> byDay = new TreeMap<>();
        windows.forEach(window -> byDay.computeIfAbsent(window.window().start(), day -> new ArrayList<>())
            .add(window));
        final Map<String, Object> body = new LinkedHashMap<>(first);
        body.put("data", byDay.entrySet().stream()
            .map(day -> StatsJson.of(Map.of("date", day.getKey().atZone(ZoneOffset.UTC).toLocalDate().toString()),
                sum(day.getValue())))
            .toList());
        body.put("total", StatsJson.of(Map.of(), sum(windows)));
        return body;
    }

    private static Map<String, List<LocalStores.VersionWindow>> grouped(
        final List<LocalStores.VersionWindow> windows, final Function<VersionKey, String> by) {
        final Map<String, List<LocalStores.VersionWindow>> groups = new TreeMap<>();
        windows.forEach(window -> groups.computeIfAbsent(by.apply(window.version()), key -> new ArrayList<>())
            .add(window));
        return groups;
    }

    private static DailyStats sum(final List<LocalStores.VersionWindow> windows) {
        final DailyStats sum = DailyStats.empty();
        windows.forEach(window -> sum.addAll(window.window().stats()));
        return sum;
    }

    private static Optional<String> authorization(final HttpServletRequest request) {
        return Optional.ofNullable(request.getHeader(HttpHeaders.AUTHORIZATION));
    }
}
