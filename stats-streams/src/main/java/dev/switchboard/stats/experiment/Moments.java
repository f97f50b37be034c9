package dev.switchboard.stats.experiment;

import org.apache.commons.math3.stat.descriptive.StatisticalSummary;
import org.apache.commons.math3.stat.descriptive.StatisticalSummaryValues;

/**
 * Count, mean and sum of squared deviations of a metric, mergeable (Chan et al.'s parallel update), so the days of
 * an arm add up to the arm. Immutable.
 */
public record Moments(long count, double mean, double squaredDeviations) {

    public static final Moments EMPTY = new Moments(0, 0, 0);

    public Moments {
        if (count < 0 || squaredDeviations < 0) {
            throw new IllegalArgumentException("count and squared deviations cannot be negative");
        }
    }

    public static Moments of(final double... values) {
        Moments moments = EMPTY;
        for (final double value : values) {
            moments = moments.plus(value);
        }
        return moments;
    }

    public Moments plus(final double value) {
        final long n = count + 1;
        final double delta = value - mean;
        final double newMean = mean + delta / n;
        return new Moments(n, newMean, squaredDeviations + delta * (value - newMean));
    }

    public Moments plus(final Moments other) {
        if (other.count == 0) {
            return this;
        }
        if (count == 0) {
            return other;
        }
        final long n = count + other.count;
        final double delta = other.mean - mean;
        return new Moments(n, mean + delta * other.count / n,
            squaredDeviations + other.squaredDeviations + delta * delta * count * other.count / n);
    }

    /** The sample variance (n - 1 in the denominator); 0 below two values. */
    public double variance() {
        return count < 2 ? 0 : squaredDeviations / (count - 1);
    }

    /** As commons-math's tests take it. */
    StatisticalSummary summary() {
        return new StatisticalSummaryValues(mean, variance(), count, Double.NaN, Double.NaN, mean * count);
    }
}
