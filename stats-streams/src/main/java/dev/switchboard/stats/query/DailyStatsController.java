package dev.switchboard.stats.query;

import dev.switchboard.schemas.VersionKey;
import dev.switchboard.stats.daily.DailyStats;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
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

    static final int MAX_DAYS = 366;
    /** A minutes query covers at most a day: 1,440 windows. */
    static final Duration MAX_MINUTES_RANGE = Duration.ofDays(1);

    private final DailyStatsReader reader;
    private final KeyOwners owners;
    private final RemoteStats remote;
    private final Clock clock;

    DailyStatsController(final DailyStatsReader reader, final KeyOwners owners, final RemoteStats remote,
                         final Clock clock) {
        this.reader = reader;
        this.owners = owners;
        this.remote = remote;
        this.clock = clock;
    }

    @GetMapping("/api/stats/providers/{category}/{name}/versions/{version}/daily")
    ResponseEntity<?> daily(@PathVariable final String category, @PathVariable final String name,
                            @PathVariable final String version,
                            @RequestParam(required = false) final String from,
                            @RequestParam(required = false) final String to, final HttpServletRequest request) {
        final VersionKey key = key(category, name, version);
        final LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        final LocalDate first = date("from", from, today);
        final LocalDate last = date("to", to, today);
        if (first.isAfter(last)) {
            throw new BadQueryException("'from' (" + first + ") must not be after 'to' (" + last + ")");
        }
        if (ChronoUnit.DAYS.between(first, last) >= MAX_DAYS) {
            throw new BadQueryException("a query covers at most " + MAX_DAYS + " days");
        }
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
        final VersionKey key = key(category, name, version);
        final Instant now = clock.instant();
        final Instant last = instant("to", to, now);
        final Instant first = instant("from", from, last.minus(Duration.ofHours(1)));
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
        final VersionKey key = key(category, name, version);
        return fromOwner(key, request, () -> lastDay(key, clock.instant()));
    }

    private Map<String, Object> lastDay(final VersionKey key, final Instant now) {
        final DailyStats sum = reader.lastDay(key, now);
        final Map<String, Object> rolling = new LinkedHashMap<>();
        rolling.put("total_requests_24h", sum.total());
        rolling.put("success_rate_24h", sum.total() == 0 ? null
            : Math.round(1000.0 * sum.successes() / sum.total()) / 10.0);
        return answer(key, now.minus(DailyStatsReader.ROLLING).toString(), now.toString(), StatsJson.of(rolling, sum));
    }

    /**
     * This instance's answer when it holds the version, else the answer of the instance that does. The query was
     * checked before, so a bad one is refused here without asking anyone.
     */
    private ResponseEntity<?> fromOwner(final VersionKey key, final HttpServletRequest request,
                                        final Supplier<Map<String, Object>> local) {
        return switch (owners.of(key)) {
            case KeyOwners.Owner.Here here -> ResponseEntity.ok()
                .header(RemoteStats.ANSWERED_BY_HEADER, owners.self().host() + ":" + owners.self().port())
                .body(local.get());
            case KeyOwners.Owner.There there -> remote.ask(there.host(), request);
        };
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

    private static VersionKey key(final String category, final String name, final String version) {
        try {
            return new VersionKey(category, name, version);
        } catch (IllegalArgumentException e) {
            throw new BadQueryException(e.getMessage());
        }
    }

    private static LocalDate date(final String parameter, final String value, final LocalDate fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw new BadQueryException("'" + parameter + "' must be a date as YYYY-MM-DD, got '" + value + "'");
        }
    }

    private static Instant instant(final String parameter, final String value, final Instant fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new BadQueryException("'" + parameter + "' must be an instant as 2026-11-22T10:00:00Z, got '"
                + value + "'");
        }
    }

    @ExceptionHandler(BadQueryException.class)
    ProblemDetail badQuery(final BadQueryException e) {
        final ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
        problem.setTitle("Bad query");
        return problem;
    }

    @ExceptionHandler(StoreNotReadyException.class)
    ResponseEntity<ProblemDetail> notReady(final StoreNotReadyException e) {
        final ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        problem.setTitle("Stats not ready");
        problem.setProperty("retryable", true);
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "1").body(problem);
    }

    /** A query the client must correct; retrying it unchanged will not help. */
    static final class BadQueryException extends RuntimeException {
        BadQueryException(final String message) {
            super(message);
        }
    }
}
