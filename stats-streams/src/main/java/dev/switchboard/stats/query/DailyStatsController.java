package dev.switchboard.stats.query;

import dev.switchboard.schemas.VersionKey;
import dev.switchboard.stats.daily.DailyStats;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Per-version daily stats, with seed 004's {@code ProviderUsageStats} field names. */
@RestController
class DailyStatsController {

    static final int MAX_DAYS = 366;

    private final DailyStatsReader reader;
    private final Clock clock;

    DailyStatsController(final DailyStatsReader reader, final Clock clock) {
        this.reader = reader;
        this.clock = clock;
    }

    @GetMapping("/api/stats/providers/{category}/{name}/versions/{version}/daily")
    Map<String, Object> daily(@PathVariable final String category, @PathVariable final String name,
                              @PathVariable final String version,
                              @RequestParam(required = false) final String from,
                              @RequestParam(required = false) final String to) {
        final VersionKey key;
        try {
            key = new VersionKey(category, name, version);
        } catch (IllegalArgumentException e) {
            throw new BadQueryException(e.getMessage());
        }
        final LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        final LocalDate first = date("from", from, today);
        final LocalDate last = date("to", to, today);
        if (first.isAfter(last)) {
            throw new BadQueryException("'from' (" + first + ") must not be after 'to' (" + last + ")");
        }
        if (ChronoUnit.DAYS.between(first, last) >= MAX_DAYS) {
            throw new BadQueryException("a query covers at most " + MAX_DAYS + " days");
        }
        final Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("category", category);
        answer.put("name", name);
        answer.put("version", version);
        answer.put("from", first.toString());
        answer.put("to", last.toString());
        answer.put("data", reader.days(key, first, last).stream().map(DailyStatsController::json).toList());
        return answer;
    }

    private static Map<String, Object> json(final DailyStatsReader.Day day) {
        final DailyStats s = day.stats();
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("date", day.date().toString());
        body.put("total_requests", s.total());
        body.put("success_requests", s.successes());
        body.put("failed_requests", s.failures());
        body.put("failures_by_kind", Map.of("client_error", s.clientErrors(), "upstream_error", s.upstreamErrors(),
            "timeout", s.timeouts(), "cancelled", s.cancelled()));
        body.put("prompt_tokens", s.promptTokens());
        body.put("completion_tokens", s.completionTokens());
        body.put("total_tokens", s.totalTokens());
        body.put("avg_response_time", round(s.averageLatencyMs()));
        body.put("p50_response_time", round(s.latencyQuantileMs(0.50)));
        body.put("p95_response_time", round(s.latencyQuantileMs(0.95)));
        body.put("p99_response_time", round(s.latencyQuantileMs(0.99)));
        body.put("max_response_time", s.maxLatencyMs());
        body.put("streamed_requests", s.streamed());
        body.put("p50_time_to_first_token", round(s.timeToFirstTokenQuantileMs(0.50)));
        body.put("p95_time_to_first_token", round(s.timeToFirstTokenQuantileMs(0.95)));
        body.put("p99_time_to_first_token", round(s.timeToFirstTokenQuantileMs(0.99)));
        body.put("retries", s.retries());
        body.put("failovers", s.failovers());
        final Map<String, Long> byStatus = new LinkedHashMap<>();
        s.byHttpStatus().forEach((status, count) -> byStatus.put(Integer.toString(status), count));
        body.put("requests_by_http_status", byStatus);
        body.put("last_used_at", s.total() == 0 ? null : s.lastUsedAt().toString());
        return body;
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


    /** Milliseconds to two decimals: the percentiles are within 1% anyway. */
    private static double round(final double milliseconds) {
        return Math.round(milliseconds * 100) / 100.0;
    }
}
