package dev.switchboard.stats.query;

import dev.switchboard.schemas.VersionKey;
import dev.switchboard.stats.daily.DailyStats;
import dev.switchboard.stats.daily.DailyStatsTopology;
import dev.switchboard.stats.json.StatsJson;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Per-version stats, with seed 004's {@code ProviderUsageStats} field names: per UTC day, per minute, and over the
 * last 24 hours.
 */
@RestController
class DailyStatsController {

    /** A minutes query covers at most a day: 1,440 windows. */
    static final Duration MAX_MINUTES_RANGE = Duration.ofDays(1);

    private final LocalStores reader;
    private final KeyedAnswers answers;
    private final Clock clock;

    DailyStatsController(final LocalStores reader, final KeyedAnswers answers, final Clock clock) {
        this.reader = reader;
        this.answers = answers;
        this.clock = clock;
    }

    @GetMapping("/api/stats/providers/{category}/{name}/versions/{version}/daily")
    ResponseEntity<?> daily(@PathVariable final String category, @PathVariable final String name,
                            @PathVariable final String version,
                            @RequestParam(required = false) final String from,
                            @RequestParam(required = false) final String to, final HttpServletRequest request) {
        final VersionKey key = QueryParameters.version(category, name, version);
        final QueryParameters.Days days = QueryParameters.days(from, to, clock);
        final LocalDate first = days.first();
        final LocalDate last = days.last();
        return fromOwner(key, request, () -> {
            final Map<String, Object> answer = answer(key, first.toString(), last.toString(),
                reader.days(key, first, last).stream()
                    .map(day -> StatsJson.of(Map.of("date", day.date().toString()), day.stats())).toList());
            // Outcomes that came after their day closed: not in that day's totals, and counted here instead.
            final Map<String, Long> late = new LinkedHashMap<>();
            reader.lateOutcomes(key, first, last).forEach((day, count) -> late.put(day.toString(), count));
            answer.put("late_outcomes", late);
            return answer;
        });
    }

    /** Per-minute totals, for canary analysis and charts; by default the last hour. */
    @GetMapping("/api/stats/providers/{category}/{name}/versions/{version}/minutes")
    ResponseEntity<?> minutes(@PathVariable final String category, @PathVariable final String name,
                              @PathVariable final String version,
                              @RequestParam(required = false) final String from,
                              @RequestParam(required = false) final String to, final HttpServletRequest request) {
        final VersionKey key = QueryParameters.version(category, name, version);
        final Instant now = clock.instant();
        final Instant last = QueryParameters.instant("to", to, now);
        final Instant first = QueryParameters.instant("from", from, last.minus(Duration.ofHours(1)));
        if (first.isAfter(last)) {
            throw new BadQueryException("'from' (" + first + ") must not be after 'to' (" + last + ")");
        }
        if (Duration.between(first, last).compareTo(MAX_MINUTES_RANGE) > 0) {
            throw new BadQueryException("a minutes query covers at most 24 hours");
        }
        return fromOwner(key, request, () -> answer(key, first.toString(), last.toString(),
            reader.minutes(key, first, last).stream()
                .map(minute -> StatsJson.of(Map.of("minute", minute.start().toString()), minute.stats())).toList()));
    }

    /** The 24 hours up to now, added up from the minutes: what the health API shows as the last day's traffic. */
    @GetMapping("/api/stats/providers/{category}/{name}/versions/{version}/last-24h")
    ResponseEntity<?> lastDay(@PathVariable final String category, @PathVariable final String name,
                              @PathVariable final String version, final HttpServletRequest request) {
        final VersionKey key = QueryParameters.version(category, name, version);
        return fromOwner(key, request, () -> lastDay(key, clock.instant()));
    }

    private Map<String, Object> lastDay(final VersionKey key, final Instant now) {
        final DailyStats sum = reader.lastDay(key, now);
        final Map<String, Object> rolling = new LinkedHashMap<>();
        rolling.put("total_requests_24h", sum.total());
        rolling.put("success_rate_24h", sum.total() == 0 ? null
            : Math.round(1000.0 * sum.successes() / sum.total()) / 10.0);
        return answer(key, now.minus(LocalStores.ROLLING).toString(), now.toString(), StatsJson.of(rolling, sum));
    }

    private ResponseEntity<?> fromOwner(final VersionKey key, final HttpServletRequest request,
                                        final Supplier<Map<String, Object>> local) {
        return answers.fromOwner(DailyStatsTopology.DAILY_STORE, key.toString(), request, local);
    }

    private static Map<String, Object> answer(final VersionKey key, final String from, final String to,
                                              final Object data) {
        final Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("category", key.category());
        answer.put("name", key.name());
        answer.put("version", key.version());
        answer.put("from", from);
        answer.put("to", to);
        answer.put("data", data);
        return answer;
    }
}
