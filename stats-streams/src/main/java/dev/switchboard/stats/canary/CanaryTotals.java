package dev.switchboard.stats.canary;

import dev.switchboard.stats.experiment.Moments;
import dev.switchboard.stats.sketch.Distribution;
import java.util.Objects;

/**
 * One version's running totals over a canary step, folded one observation at a time: what {@link CanaryEvidence.Side}
 * is a snapshot of. Mutable, owned by one stream task.
 */
public final class CanaryTotals {

    private long samples;
    private long failures;
    private final Distribution latency;
    private final Distribution timeToFirstToken;
    private Moments scores;
    private Moments costs;

    /** @param costs what the answered requests that had a cost cost, US dollars each */
    public CanaryTotals(final long samples, final long failures, final Distribution latency,
                        final Distribution timeToFirstToken, final Moments scores, final Moments costs) {
        this.samples = samples;
        this.failures = failures;
        this.latency = Objects.requireNonNull(latency, "latency");
        this.timeToFirstToken = Objects.requireNonNull(timeToFirstToken, "timeToFirstToken");
        this.scores = Objects.requireNonNull(scores, "scores");
        this.costs = Objects.requireNonNull(costs, "costs");
    }

    public static CanaryTotals empty() {
        return new CanaryTotals(0, 0, Distribution.empty(), Distribution.empty(), Moments.EMPTY, Moments.EMPTY);
    }

    /**
     * A served request: whether it failed, its latency, its time to first token when it was streamed, and its cost
     * when a priced version answered it.
     */
    public void addRequest(final boolean failed, final long latencyMs, final Long timeToFirstTokenMs,
                           final Double cost) {
        if (cost != null) {
            costs = costs.plus(cost);
        }
        samples++;
        if (failed) {
            failures++;
        }
        latency.add(Math.max(0, latencyMs));
        if (timeToFirstTokenMs != null) {
            timeToFirstToken.add(Math.max(0, timeToFirstTokenMs));
        }
    }

    /** A client's quality score of a request this version served. */
    public void addScore(final double score) {
        scores = scores.plus(score);
    }

    public CanaryEvidence.Side side() {
        return new CanaryEvidence.Side(samples, failures, latency, timeToFirstToken, scores, costs);
    }

    public long samples() {
        return samples;
    }

    public long failures() {
        return failures;
    }

    public Distribution latency() {
        return latency;
    }

    public Distribution timeToFirstToken() {
        return timeToFirstToken;
    }

    public Moments scores() {
        return scores;
    }

    public Moments costs() {
        return costs;
    }
}
