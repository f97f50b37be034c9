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

    public CanaryTotals(final long samples, final long failures, final Distribution latency,
                        final Distribution timeToFirstToken, final Moments scores) {
        this.samples = samples;
        this.failures = failures;
        this.latency = Objects.requireNonNull(latency, "latency");
        this.timeToFirstToken = Objects.requireNonNull(timeToFirstToken, "timeToFirstToken");
        this.scores = Objects.requireNonNull(scores, "scores");
    }

    public static CanaryTotals empty() {
        return new CanaryTotals(0, 0, Distribution.empty(), Distribution.empty(), Moments.EMPTY);
    }

    /** A served request: whether it failed, its latency, and its time to first token when it was streamed. */
    public void addRequest(final boolean failed, final long latencyMs, final Long timeToFirstTokenMs) {
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
        return new CanaryEvidence.Side(samples, failures, latency, timeToFirstToken, scores);
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
}
