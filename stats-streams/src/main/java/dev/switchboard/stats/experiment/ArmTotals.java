package dev.switchboard.stats.experiment;

import dev.switchboard.stats.sketch.Distribution;

/**
 * The running totals of one experiment arm over a period: outcomes, successes, and the moments of latency,
 * completion tokens and client-reported scores, with the latency distribution. Mutable, like the daily stats:
 * folded in place by the one task that owns the experiment.
 */
public final class ArmTotals {

    private long samples;
    private long successes;
    private Moments latency;
    private final Distribution latencies;
    private Moments tokens;
    private Moments scores;

    private ArmTotals(final long samples, final long successes, final Moments latency, final Distribution latencies,
                      final Moments tokens, final Moments scores) {
        this.samples = samples;
        this.successes = successes;
        this.latency = latency;
        this.latencies = latencies;
        this.tokens = tokens;
        this.scores = scores;
    }

    public static ArmTotals empty() {
        return new ArmTotals(0, 0, Moments.EMPTY, Distribution.empty(), Moments.EMPTY, Moments.EMPTY);
    }

    /** Folds one served outcome of the arm in; returns this. */
    public ArmTotals addOutcome(final boolean success, final long latencyMs, final Integer completionTokens) {
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
        return this;
    }

    /** What the analysis reads. */
    public ArmData toArmData(final String arm) {
        return new ArmData(arm, samples, successes, latency, latencies, tokens, scores);
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

    /** As stored: rebuilt from a changelog record. */
    public static ArmTotals of(final long samples, final long successes, final Moments latency,
                               final Distribution latencies, final Moments tokens, final Moments scores) {
        return new ArmTotals(samples, successes, latency, latencies, tokens, scores);
    }
}
