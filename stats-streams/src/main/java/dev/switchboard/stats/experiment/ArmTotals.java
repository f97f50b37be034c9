package dev.switchboard.stats.experiment;

import dev.switchboard.stats.sketch.Distribution;
import org.jspecify.annotations.Nullable;

/**
 * The running totals of one experiment arm over a period: outcomes, successes, and the moments of latency,
 * completion tokens, client-reported scores and the priced outcomes' cost, with the latency distribution. Mutable,
 * like the daily stats: folded in place by the one task that owns the experiment.
 */
public final class ArmTotals {

    private long samples;
    private long successes;
    private Moments latency;
    private final Distribution latencies;
    private Moments tokens;
    private Moments scores;
    private Moments costs;

    private ArmTotals(final long samples, final long successes, final Moments latency, final Distribution latencies,
                      final Moments tokens, final Moments scores, final Moments costs) {
        this.samples = samples;
        this.successes = successes;
        this.latency = latency;
        this.latencies = latencies;
        this.tokens = tokens;
        this.scores = scores;
        this.costs = costs;
    }

    public static ArmTotals empty() {
        return new ArmTotals(0, 0, Moments.EMPTY, Distribution.empty(), Moments.EMPTY, Moments.EMPTY, Moments.EMPTY);
    }

    /** Folds one served outcome of the arm in, with its cost in dollars when its version is priced; returns this. */
    public ArmTotals addOutcome(final boolean success, final long latencyMs, final Integer completionTokens,
                                final @Nullable Double costUsd) {
        samples++;
        if (success) {
            successes++;
        }
        final long clamped = Math.max(0, latencyMs);
        latency = latency.plus(clamped);
        latencies.add(clamped);
        if (completionTokens != null) {
            tokens = tokens.plus(completionTokens);
        }
        if (costUsd != null) {
            costs = costs.plus(costUsd);
        }
        return this;
    }

    /** Folds one client-reported quality score in; returns this. */
    public ArmTotals addScore(final double score) {
        scores = scores.plus(score);
        return this;
    }

    public ArmTotals addAll(final ArmTotals other) {
        samples += other.samples;
        successes += other.successes;
        latency = latency.plus(other.latency);
        latencies.addAll(other.latencies);
        tokens = tokens.plus(other.tokens);
        scores = scores.plus(other.scores);
        costs = costs.plus(other.costs);
        return this;
    }

    /** What the analysis reads. */
    public ArmData toArmData(final String arm) {
        return new ArmData(arm, samples, successes, latency, latencies, tokens, scores, costs);
    }

    public long samples() {
        return samples;
    }

    public long successes() {
        return successes;
    }

    public Moments latency() {
        return latency;
    }

    public Distribution latencies() {
        return latencies;
    }

    public Moments tokens() {
        return tokens;
    }

    public Moments scores() {
        return scores;
    }

    public Moments costs() {
        return costs;
    }

    /** As stored: rebuilt from a changelog record. */
    public static ArmTotals of(final long samples, final long successes, final Moments latency,
                               final Distribution latencies, final Moments tokens, final Moments scores,
                               final Moments costs) {
        return new ArmTotals(samples, successes, latency, latencies, tokens, scores, costs);
    }
}
