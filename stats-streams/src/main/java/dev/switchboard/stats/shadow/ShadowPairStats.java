package dev.switchboard.stats.shadow;

import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.events.ShadowComparison;
import dev.switchboard.stats.sketch.Distribution;
import java.time.Instant;
import java.util.Arrays;

/**
 * How a candidate version answered beside its baseline over a period: the same client requests, mirrored (seed
 * 003's shadow mode). Differences are candidate minus baseline, so a positive latency difference means the
 * candidate was slower. Mutable, like the daily stats: folded in place by the one task that owns it.
 */
public final class ShadowPairStats {

    /** Similarity scores are counted in this many equal buckets from 0 to 1. */
    public static final int SIMILARITY_BUCKETS = 10;

    private long comparisons;
    private long baselineFailures;
    private long candidateFailures;
    private long statusMismatches;
    private long baselineLatencySumMs;
    private long candidateLatencySumMs;
    private long tokenPairs;
    private long completionTokenDifferenceSum;
    private double similaritySum;
    private Instant lastComparedAt;
    private final long[] similarityHistogram;
    private final Distribution latencyDifference;
    private final Distribution similarity;

    /** The counts of a period, as stored. */
    record Counts(long comparisons, long baselineFailures, long candidateFailures, long statusMismatches,
                  long baselineLatencySumMs, long candidateLatencySumMs, long tokenPairs,
                  long completionTokenDifferenceSum, double similaritySum, Instant lastComparedAt) {
    }

    ShadowPairStats(final Counts counts, final long[] similarityHistogram, final Distribution latencyDifference,
                    final Distribution similarity) {
        if (similarityHistogram.length != SIMILARITY_BUCKETS) {
            throw new IllegalArgumentException("a similarity histogram has " + SIMILARITY_BUCKETS + " buckets, not "
                + similarityHistogram.length);
        }
        this.comparisons = counts.comparisons();
        this.baselineFailures = counts.baselineFailures();
        this.candidateFailures = counts.candidateFailures();
        this.statusMismatches = counts.statusMismatches();
        this.baselineLatencySumMs = counts.baselineLatencySumMs();
        this.candidateLatencySumMs = counts.candidateLatencySumMs();
        this.tokenPairs = counts.tokenPairs();
        this.completionTokenDifferenceSum = counts.completionTokenDifferenceSum();
        this.similaritySum = counts.similaritySum();
        this.lastComparedAt = counts.lastComparedAt();
        this.similarityHistogram = similarityHistogram.clone();
        this.latencyDifference = latencyDifference;
        this.similarity = similarity;
    }

    public static ShadowPairStats empty() {
        return new ShadowPairStats(new Counts(0, 0, 0, 0, 0, 0, 0, 0, 0, Instant.EPOCH),
            new long[SIMILARITY_BUCKETS], Distribution.empty(), Distribution.empty());
    }

    /** Folds one comparison in; returns this. */
    public ShadowPairStats add(final ShadowComparison comparison) {
        comparisons++;
        if (comparison.getBaselineStatus() != OutcomeStatus.SUCCESS) {
            baselineFailures++;
        }
        if (comparison.getCandidateStatus() != OutcomeStatus.SUCCESS) {
            candidateFailures++;
        }
        if (comparison.getBaselineStatus() != comparison.getCandidateStatus()) {
            statusMismatches++;
        }
        final long baselineMs = Math.max(0, comparison.getBaselineLatencyMs());
        final long candidateMs = Math.max(0, comparison.getCandidateLatencyMs());
        baselineLatencySumMs += baselineMs;
        candidateLatencySumMs += candidateMs;
        latencyDifference.add(candidateMs - baselineMs);
        if (comparison.getBaselineCompletionTokens() != null && comparison.getCandidateCompletionTokens() != null) {
            tokenPairs++;
            completionTokenDifferenceSum +=
                comparison.getCandidateCompletionTokens() - comparison.getBaselineCompletionTokens();
        }
        if (comparison.getSimilarity() != null) {
            addSimilarity(comparison.getSimilarity());
        }
        if (comparison.getEventTime().isAfter(lastComparedAt)) {
            lastComparedAt = comparison.getEventTime();
        }
        return this;
    }

    private void addSimilarity(final double score) {
        if (Double.isNaN(score)) {
            return; // no score is better than a made-up one
        }
        final double clamped = Math.clamp(score, 0.0, 1.0);
        similarityHistogram[Math.min(SIMILARITY_BUCKETS - 1, (int) (clamped * SIMILARITY_BUCKETS))]++;
        similaritySum += clamped;
        similarity.add(clamped);
    }

    /** Adds another period's comparisons of the same pair to these; returns this. */
    public ShadowPairStats addAll(final ShadowPairStats other) {
        comparisons += other.comparisons;
        baselineFailures += other.baselineFailures;
        candidateFailures += other.candidateFailures;
        statusMismatches += other.statusMismatches;
        baselineLatencySumMs += other.baselineLatencySumMs;
        candidateLatencySumMs += other.candidateLatencySumMs;
        tokenPairs += other.tokenPairs;
        completionTokenDifferenceSum += other.completionTokenDifferenceSum;
        similaritySum += other.similaritySum;
        if (other.lastComparedAt.isAfter(lastComparedAt)) {
            lastComparedAt = other.lastComparedAt;
        }
        for (int i = 0; i < SIMILARITY_BUCKETS; i++) {
            similarityHistogram[i] += other.similarityHistogram[i];
        }
        latencyDifference.addAll(other.latencyDifference);
        similarity.addAll(other.similarity);
        return this;
    }

    Counts counts() {
        return new Counts(comparisons, baselineFailures, candidateFailures, statusMismatches, baselineLatencySumMs,
            candidateLatencySumMs, tokenPairs, completionTokenDifferenceSum, similaritySum, lastComparedAt);
    }

    public long comparisons() {
        return comparisons;
    }

    /** Share of comparisons where the candidate failed, 0-1; 0 without comparisons. */
    public double candidateErrorRate() {
        return ratio(candidateFailures, comparisons);
    }

    /** Share of comparisons where the baseline failed, 0-1, for reference. */
    public double baselineErrorRate() {
        return ratio(baselineFailures, comparisons);
    }

    public long statusMismatches() {
        return statusMismatches;
    }

    public double meanBaselineLatencyMs() {
        return ratio(baselineLatencySumMs, comparisons);
    }

    public double meanCandidateLatencyMs() {
        return ratio(candidateLatencySumMs, comparisons);
    }

    /** Mean of candidate minus baseline latency, in milliseconds. */
    public double meanLatencyDifferenceMs() {
        return ratio(candidateLatencySumMs - baselineLatencySumMs, comparisons);
    }

    /** A quantile (0-1) of the per-request latency difference, within 1%. */
    public double latencyDifferenceQuantileMs(final double quantile) {
        return latencyDifference.quantile(quantile);
    }

    /** Comparisons where both versions reported their completion tokens. */
    public long tokenPairs() {
        return tokenPairs;
    }

    /** Mean of candidate minus baseline completion tokens, over {@link #tokenPairs()}. */
    public double meanCompletionTokenDifference() {
        return ratio(completionTokenDifferenceSum, tokenPairs);
    }

    /** Comparisons that had a similarity score. */
    public long scored() {
        return Arrays.stream(similarityHistogram).sum();
    }

    public double meanSimilarity() {
        return ratio(similaritySum, scored());
    }

    public double similarityQuantile(final double quantile) {
        // The sketch answers within 1% of the true value, which may put a perfect 1.0 at 1.01: a similarity is never
        // above 1 (nor below 0), so neither is its quantile.
        return Math.max(0, Math.min(1, similarity.quantile(quantile)));
    }

    /** Counts of scores in [0, 0.1), [0.1, 0.2), ... [0.9, 1]. */
    public long[] similarityHistogram() {
        return similarityHistogram.clone();
    }

    public Instant lastComparedAt() {
        return lastComparedAt;
    }

    Distribution latencyDifference() {
        return latencyDifference;
    }

    Distribution similarity() {
        return similarity;
    }

    private static double ratio(final double part, final double whole) {
        return whole == 0 ? 0 : part / whole;
    }
}
