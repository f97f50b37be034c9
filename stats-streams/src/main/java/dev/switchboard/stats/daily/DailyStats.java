package dev.switchboard.stats.daily;

import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.events.RequestOutcome;
import java.time.Instant;

/**
 * The running totals of one provider version on one UTC day. Immutable: folding an outcome in returns the new
 * totals. Failures are kept by kind; their sum is {@link #failures()}.
 */
public record DailyStats(long total, long successes, long clientErrors, long upstreamErrors, long timeouts,
                         long cancelled, long promptTokens, long completionTokens, long latencySumMs,
                         Instant lastUsedAt) {

    public static DailyStats empty() {
        return new DailyStats(0, 0, 0, 0, 0, 0, 0, 0, 0, Instant.EPOCH);
    }

    public DailyStats plus(final RequestOutcome outcome) {
        return new DailyStats(
            total + 1,
            successes + count(outcome, OutcomeStatus.SUCCESS),
            clientErrors + count(outcome, OutcomeStatus.CLIENT_ERROR),
            upstreamErrors + count(outcome, OutcomeStatus.UPSTREAM_ERROR)
                + count(outcome, OutcomeStatus.UNKNOWN),
            timeouts + count(outcome, OutcomeStatus.TIMEOUT),
            cancelled + count(outcome, OutcomeStatus.CANCELLED),
            promptTokens + orZero(outcome.getPromptTokens()),
            completionTokens + orZero(outcome.getCompletionTokens()),
            latencySumMs + Math.max(0, outcome.getLatencyMs()),
            outcome.getEventTime().isAfter(lastUsedAt) ? outcome.getEventTime() : lastUsedAt);
    }

    public long failures() {
        return total - successes;
    }

    public long totalTokens() {
        return promptTokens + completionTokens;
    }

    /** Mean latency of every attempt of the day, in milliseconds; 0 for a day without traffic. */
    public double averageLatencyMs() {
        return total == 0 ? 0 : (double) latencySumMs / total;
    }

    private static long count(final RequestOutcome outcome, final OutcomeStatus status) {
        return outcome.getStatus() == status ? 1 : 0;
    }

    private static long orZero(final Integer tokens) {
        return tokens == null ? 0 : Math.max(0, tokens);
    }
}
