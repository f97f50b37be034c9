package dev.switchboard.stats.query;

import dev.switchboard.stats.daily.DailyStats;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A period's totals as JSON fields, with seed 004's {@code ProviderUsageStats} names: the one shape of the REST
 * answers and of replay reports, so the two can be compared field by field.
 */
public final class StatsJson {

    private StatsJson() {
    }

    /** @param first the fields that say which window this is, put first */
    public static Map<String, Object> of(final Map<String, Object> first, final DailyStats s) {
        final Map<String, Object> body = new LinkedHashMap<>(first);
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

    /** Milliseconds to two decimals: the percentiles are within 1% anyway. */
    private static double round(final double milliseconds) {
        return Math.round(milliseconds * 100) / 100.0;
    }
}
