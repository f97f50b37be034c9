package dev.switchboard.stats.json;

import dev.switchboard.stats.daily.DailyStats;
import dev.switchboard.stats.shadow.ShadowPairStats;
import java.util.LinkedHashMap;
import java.util.Locale;
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
        body.put("cost_usd", s.costUsd());
        body.put("costed_requests", s.costed());
        body.put("cost_per_request_usd", s.costed() == 0 ? null : s.costPerRequestUsd());
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

    /** A shadow pair's comparisons as JSON fields; differences are candidate minus baseline. */
    public static Map<String, Object> ofShadowPair(final Map<String, Object> first, final ShadowPairStats s) {
        final Map<String, Object> body = new LinkedHashMap<>(first);
        body.put("comparisons", s.comparisons());
        body.put("candidate_error_rate", ratio(s.candidateErrorRate()));
        body.put("baseline_error_rate", ratio(s.baselineErrorRate()));
        body.put("status_mismatches", s.statusMismatches());
        body.put("avg_baseline_response_time", round(s.meanBaselineLatencyMs()));
        body.put("avg_candidate_response_time", round(s.meanCandidateLatencyMs()));
        body.put("avg_response_time_difference", round(s.meanLatencyDifferenceMs()));
        body.put("p50_response_time_difference", round(s.latencyDifferenceQuantileMs(0.50)));
        body.put("p95_response_time_difference", round(s.latencyDifferenceQuantileMs(0.95)));
        body.put("p99_response_time_difference", round(s.latencyDifferenceQuantileMs(0.99)));
        body.put("compared_completion_tokens", s.tokenPairs());
        body.put("avg_completion_tokens_difference", round(s.meanCompletionTokenDifference()));
        final Map<String, Object> similarity = new LinkedHashMap<>();
        similarity.put("scored", s.scored());
        similarity.put("mean", ratio(s.meanSimilarity()));
        similarity.put("p10", ratio(s.similarityQuantile(0.10)));
        similarity.put("p50", ratio(s.similarityQuantile(0.50)));
        similarity.put("p90", ratio(s.similarityQuantile(0.90)));
        similarity.put("histogram", histogram(s.similarityHistogram()));
        body.put("similarity", similarity);
        body.put("last_compared_at", s.comparisons() == 0 ? null : s.lastComparedAt().toString());
        return body;
    }

    /** Bucket lower bound ("0.0" to "0.9") to its count; the last bucket includes 1. */
    private static Map<String, Long> histogram(final long[] counts) {
        final Map<String, Long> buckets = new LinkedHashMap<>();
        for (int i = 0; i < counts.length; i++) {
            buckets.put(String.format(Locale.ROOT, "%.1f", (double) i / counts.length), counts[i]);
        }
        return buckets;
    }

    /** A share or score from 0 to 1, to four decimals. */
    private static double ratio(final double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }

    /** Milliseconds to two decimals: the percentiles are within 1% anyway. */
    private static double round(final double milliseconds) {
        return Math.round(milliseconds * 100) / 100.0;
    }
}
