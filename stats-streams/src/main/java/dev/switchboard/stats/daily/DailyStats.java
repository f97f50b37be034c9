package dev.switchboard.stats.daily;

import dev.switchboard.events.SelectionReason;
import dev.switchboard.stats.sketch.Distribution;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;

/**
 * The running totals of one provider version over one period (a UTC day, a minute): seed 004's
 * {@code ProviderUsageStats} and more. Failures are kept by kind, and every attempt by the HTTP status it got;
 * latency and time to first token as mergeable distributions.
 *
 * <p>Mutable on purpose, unlike most values here: an aggregate is folded in place, one outcome at a time, by the
 * one stream task that owns it, and copying its two distributions for every outcome would cost more than the fold.
 */
public final class DailyStats {

    private long total;
    private long successes;
    private long clientErrors;
    private long upstreamErrors;
    private long timeouts;
    private long cancelled;
    private long promptTokens;
    private long completionTokens;
    private long latencySumMs;
    private long maxLatencyMs;
    private long streamed;
    private long retries;
    private long failovers;
    private long costed;
    private double costUsd;
    private Instant lastUsedAt;
    private final StatusCounts byHttpStatus = new StatusCounts();
    private final Distribution latency;
    private final Distribution timeToFirstToken;

    /**
     * The counts of a period, as stored.
     *
     * @param costed  the attempts that had a cost (answered by a priced version)
     * @param costUsd what they cost, in US dollars
     */
    record Counts(long total, long successes, long clientErrors, long upstreamErrors, long timeouts, long cancelled,
                  long promptTokens, long completionTokens, long latencySumMs, long maxLatencyMs, long streamed,
                  long retries, long failovers, long costed, double costUsd, Instant lastUsedAt) {
    }

    DailyStats(final Counts counts, final Map<Integer, Long> byHttpStatus, final Distribution latency,
               final Distribution timeToFirstToken) {
        this.total = counts.total();
        this.successes = counts.successes();
        this.clientErrors = counts.clientErrors();
        this.upstreamErrors = counts.upstreamErrors();
        this.timeouts = counts.timeouts();
        this.cancelled = counts.cancelled();
        this.promptTokens = counts.promptTokens();
        this.completionTokens = counts.completionTokens();
        this.latencySumMs = counts.latencySumMs();
        this.maxLatencyMs = counts.maxLatencyMs();
        this.streamed = counts.streamed();
        this.retries = counts.retries();
        this.failovers = counts.failovers();
        this.costed = counts.costed();
        this.costUsd = counts.costUsd();
        this.lastUsedAt = counts.lastUsedAt();
        byHttpStatus.forEach((status, count) -> this.byHttpStatus.add(status, count));
        this.latency = latency;
        this.timeToFirstToken = timeToFirstToken;
    }

    public static DailyStats empty() {
        return new DailyStats(new Counts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Instant.EPOCH), Map.of(),
            Distribution.empty(), Distribution.empty());
    }

    /** Folds one attempt's outcome in; returns this. */
    public DailyStats add(final OutcomeFacts outcome) {
        total++;
        switch (outcome.status()) {
            case SUCCESS -> successes++;
            case CLIENT_ERROR -> clientErrors++;
            case TIMEOUT -> timeouts++;
            case CANCELLED -> cancelled++;
            case UPSTREAM_ERROR, UNKNOWN -> upstreamErrors++; // an unknown status is a failure of the version
        }
        promptTokens += orZero(outcome.promptTokens());
        completionTokens += orZero(outcome.completionTokens());
        final long latencyMs = Math.max(0, outcome.latencyMs());
        latencySumMs += latencyMs;
        maxLatencyMs = Math.max(maxLatencyMs, latencyMs);
        latency.add(latencyMs);
        if (outcome.streamed()) {
            streamed++;
            if (outcome.timeToFirstTokenMs() != null) {
                timeToFirstToken.add(Math.max(0, outcome.timeToFirstTokenMs()));
            }
        }
        if (outcome.attempt() > 1) {
            retries++;
        }
        if (outcome.selectionReason() == SelectionReason.FAILOVER) {
            failovers++;
        }
        if (outcome.cost() != null) {
            costed++;
            costUsd += outcome.cost();
        }
        byHttpStatus.add(outcome.httpStatus(), 1);
        if (outcome.eventTime().isAfter(lastUsedAt)) {
            lastUsedAt = outcome.eventTime();
        }
        return this;
    }

    /** Adds another period's totals to these (minutes into an hour, say); returns this. */
    public DailyStats addAll(final DailyStats other) {
        total += other.total;
        successes += other.successes;
        clientErrors += other.clientErrors;
        upstreamErrors += other.upstreamErrors;
        timeouts += other.timeouts;
        cancelled += other.cancelled;
        promptTokens += other.promptTokens;
        completionTokens += other.completionTokens;
        latencySumMs += other.latencySumMs;
        maxLatencyMs = Math.max(maxLatencyMs, other.maxLatencyMs);
        streamed += other.streamed;
        retries += other.retries;
        failovers += other.failovers;
        costed += other.costed;
        costUsd += other.costUsd;
        if (other.lastUsedAt.isAfter(lastUsedAt)) {
            lastUsedAt = other.lastUsedAt;
        }
        byHttpStatus.addAll(other.byHttpStatus);
        latency.addAll(other.latency);
        timeToFirstToken.addAll(other.timeToFirstToken);
        return this;
    }

    Counts counts() {
        return new Counts(total, successes, clientErrors, upstreamErrors, timeouts, cancelled, promptTokens,
            completionTokens, latencySumMs, maxLatencyMs, streamed, retries, failovers, costed, costUsd, lastUsedAt);
    }

    public long total() {
        return total;
    }

    /** What the period's attempts cost, in US dollars: those answered by a priced version. */
    public double costUsd() {
        return costUsd;
    }

    /** The attempts that had a cost. */
    public long costed() {
        return costed;
    }

    /** Dollars per attempt that had a cost; NaN without one. */
    public double costPerRequestUsd() {
        return costed == 0 ? Double.NaN : costUsd / costed;
    }

    public long successes() {
        return successes;
    }

    public long failures() {
        return total - successes;
    }

    public long clientErrors() {
        return clientErrors;
    }

    public long upstreamErrors() {
        return upstreamErrors;
    }

    public long timeouts() {
        return timeouts;
    }

    public long cancelled() {
        return cancelled;
    }

    public long promptTokens() {
        return promptTokens;
    }

    public long completionTokens() {
        return completionTokens;
    }

    public long totalTokens() {
        return promptTokens + completionTokens;
    }

    /** Attempts that streamed their answer. */
    public long streamed() {
        return streamed;
    }

    /** Attempts after a request's first (attempt 2, 3, ...). */
    public long retries() {
        return retries;
    }

    /** Attempts this version got because another one failed. */
    public long failovers() {
        return failovers;
    }

    public Instant lastUsedAt() {
        return lastUsedAt;
    }

    /** Attempts by the HTTP status they got (0: no answer), in status order. */
    public Map<Integer, Long> byHttpStatus() {
        return Collections.unmodifiableMap(byHttpStatus.asMap());
    }

    /** Hands over attempts by HTTP status, in status order, without a map of boxed counts. */
    void forEachHttpStatus(final StatusCounts.Consumer consumer) {
        byHttpStatus.forEach(consumer);
    }

    /** Mean latency of every attempt, in milliseconds; 0 for a period without traffic. */
    public double averageLatencyMs() {
        return total == 0 ? 0 : (double) latencySumMs / total;
    }

    public long maxLatencyMs() {
        return maxLatencyMs;
    }

    /** The latency at a quantile (0-1), in milliseconds, within 1%. */
    public double latencyQuantileMs(final double quantile) {
        return latency.quantile(quantile);
    }

    /** The time to first token of streamed attempts at a quantile (0-1), in milliseconds, within 1%. */
    public double timeToFirstTokenQuantileMs(final double quantile) {
        return timeToFirstToken.quantile(quantile);
    }

    Distribution latency() {
        return latency;
    }

    Distribution timeToFirstToken() {
        return timeToFirstToken;
    }

    private static long orZero(final Integer tokens) {
        return tokens == null ? 0 : Math.max(0, tokens);
    }
}
