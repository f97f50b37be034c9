package dev.switchboard.stats.experiment.adaptive;

import dev.switchboard.stats.experiment.Metric;
import java.util.Objects;

/**
 * How an adaptive experiment searches for its best arm.
 *
 * @param metric               what is compared (success rate, latency, tokens, a client score)
 * @param higherIsBetter       its direction; by default the metric's own
 * @param confidence           the chance, at least, that a declared winner is the best arm (0.95)
 * @param explorationFloor     the least share every arm still in the search keeps, so none is starved of evidence
 * @param minimumEffect        the difference the intervals are most sensitive to: points of a rate, or a share of
 *                             the arms' mean for the other metrics
 * @param minimumSamplePerArm  samples an arm needs before it can be eliminated or eliminate another (the normal
 *                             approximation's burn-in); until then it gets at least an equal share
 * @param maximumSamples       samples over all arms after which the search stops with no clear winner
 * @param maximumArms          the most arms the experiment may ever have, arms added later included: the error
 *                             rate is shared among the comparisons that many arms can make, so adding an arm
 *                             leaves the statistics valid
 */
public record AdaptiveDesign(Metric metric, boolean higherIsBetter, double confidence, double explorationFloor,
                             double minimumEffect, long minimumSamplePerArm, long maximumSamples, int maximumArms) {

    public static final double DEFAULT_CONFIDENCE = 0.95;
    public static final double DEFAULT_EXPLORATION_FLOOR = 0.05;
    public static final long DEFAULT_MINIMUM_SAMPLE_PER_ARM = 100;
    public static final int DEFAULT_MAXIMUM_ARMS = 8;

    public AdaptiveDesign {
        Objects.requireNonNull(metric, "metric");
        if (!(confidence >= 0.5 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in [0.5, 1), got " + confidence);
        }
        if (maximumArms < 2) {
            throw new IllegalArgumentException("an adaptive experiment needs room for two arms at least, got "
                + maximumArms);
        }
        if (!(explorationFloor >= 0 && explorationFloor * maximumArms <= 1)) {
            throw new IllegalArgumentException("exploration_floor must be in [0, 1 / maximum arms (" + maximumArms
                + ")], got " + explorationFloor);
        }
        if (!(minimumEffect > 0 && Double.isFinite(minimumEffect))) {
            throw new IllegalArgumentException("minimum effect must be a positive number, got " + minimumEffect);
        }
        if (minimumSamplePerArm < 2 || maximumSamples < minimumSamplePerArm * 2) {
            throw new IllegalArgumentException("need at least 2 samples per arm before deciding and a maximum of "
                + "at least two arms' minimum, got " + minimumSamplePerArm + " and " + maximumSamples);
        }
    }

    /**
     * The error rate each comparison of two arms may spend: a wrong winner needs one of the true best arm's
     * comparisons with the others to be wrong, and it has {@code maximumArms - 1} of them (Bonferroni).
     */
    public double alphaPerComparison() {
        return (1 - confidence) / (maximumArms - 1);
    }

    /** Whether {@code a} is better than {@code b} on the metric, in the design's direction. */
    public boolean better(final double a, final double b) {
        return higherIsBetter ? a > b : a < b;
    }
}
