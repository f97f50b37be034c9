package dev.switchboard.stats.experiment;

import dev.switchboard.stats.sketch.Distribution;

/**
 * Always-valid confidence intervals for error rates and their difference: the confidence sequences of the mixture
 * sequential probability ratio test (mSPRT) with a normal mixing distribution (Johari, Koomen, Pekelis and Walsh,
 * "Always valid inference", 2017; Robbins' normal mixture). Unlike a fixed-sample interval, the chance that the
 * true value ever leaves the interval, however often it is looked at, is at most alpha; so a canary can be judged
 * every few seconds, and an adaptive experiment at every allocation, without the false alarms that repeated
 * fixed-threshold checks pile up.
 * <p>
 * For an estimate with variance {@code V} (normal approximation), the mSPRT rejects {@code theta0} once
 * {@code sqrt(V / (V + tau^2)) * exp(tau^2 (estimate - theta0)^2 / (2 V (V + tau^2))) >= 1 / alpha}; the values
 * not rejected are the interval {@code estimate -+ sqrt(2 V (V + tau^2) / tau^2 * (ln(1 / alpha) + ln((V + tau^2)
 * / V) / 2))}. {@code tau}, the spread of the mixture, is the size of effect the sequence is most sensitive to.
 */
public final class ConfidenceSequence {

    private ConfidenceSequence() {
    }

    /** The error rate of {@code failures} in {@code samples}, with its always-valid interval. */
    public static Estimate rate(final long failures, final long samples, final double alpha, final double tau) {
        if (samples == 0) {
            return new Estimate(Double.NaN, Double.NaN, Double.NaN);
        }
        final double rate = (double) failures / samples;
        final double half = halfWidth(variance(failures, samples), alpha, tau);
        return new Estimate(rate, Math.max(0, rate - half), Math.min(1, rate + half));
    }

    /** The candidate's error rate minus the baseline's, with its always-valid interval. */
    public static Estimate difference(final long baselineFailures, final long baselineSamples,
                                      final long candidateFailures, final long candidateSamples, final double alpha,
                                      final double tau) {
        if (baselineSamples == 0 || candidateSamples == 0) {
            return new Estimate(Double.NaN, Double.NaN, Double.NaN);
        }
        final double difference = (double) candidateFailures / candidateSamples
            - (double) baselineFailures / baselineSamples;
        final double half = halfWidth(variance(baselineFailures, baselineSamples)
            + variance(candidateFailures, candidateSamples), alpha, tau);
        return new Estimate(difference, Math.max(-1, difference - half), Math.min(1, difference + half));
    }

    /**
     * A quantile (0.95 for p95) of a distribution with its always-valid interval, distribution-free: the share of
     * values below the true quantile is a rate, so its sequence's half-width {@code h} at {@code q} bounds the quantile
     * between the distribution's {@code q - h} and {@code q + h} quantiles (unbounded where those leave 0..1).
     */
    public static Estimate quantile(final Distribution values, final double q, final double alpha, final double tau) {
        final long count = values.count();
        if (count == 0) {
            return new Estimate(Double.NaN, Double.NaN, Double.NaN);
        }
        final double half = halfWidth(q * (1 - q) / count, alpha, tau);
        return new Estimate(values.quantile(q),
            q - half <= 0 ? Double.NEGATIVE_INFINITY : values.quantile(q - half),
            q + half >= 1 ? Double.POSITIVE_INFINITY : values.quantile(q + half));
    }

    /**
     * A mean with its always-valid interval (normal approximation). The mixture's spread is a fifth of the values'
     * own: the sequence is most sensitive to a small effect (Cohen's d = 0.2), whatever the scale of the values.
     */
    public static Estimate mean(final Moments values, final double alpha) {
        if (values.count() < 2) {
            return new Estimate(Double.NaN, Double.NaN, Double.NaN);
        }
        final double variance = values.variance() / values.count();
        final double half = halfWidth(variance, alpha, smallEffect(values));
        return new Estimate(values.mean(), values.mean() - half, values.mean() + half);
    }

    /** The candidate's mean minus the baseline's, with its always-valid interval (Welch's variance). */
    public static Estimate meanDifference(final Moments baseline, final Moments candidate, final double alpha) {
        return meanDifference(baseline, candidate, alpha, smallEffect(baseline.plus(candidate)));
    }

    /** As {@link #meanDifference(Moments, Moments, double)}, most sensitive to a difference of {@code tau}. */
    public static Estimate meanDifference(final Moments baseline, final Moments candidate, final double alpha,
                                          final double tau) {
        if (baseline.count() < 2 || candidate.count() < 2) {
            return new Estimate(Double.NaN, Double.NaN, Double.NaN);
        }
        final double difference = candidate.mean() - baseline.mean();
        final double half = halfWidth(baseline.variance() / baseline.count() + candidate.variance() / candidate.count(),
            alpha, tau);
        return new Estimate(difference, difference - half, difference + half);
    }

    private static double smallEffect(final Moments values) {
        return Math.max(0.2 * Math.sqrt(values.variance()), 1e-9);
    }

    static double halfWidth(final double variance, final double alpha, final double tau) {
        if (!(alpha > 0 && alpha < 1) || !(tau > 0)) {
            throw new IllegalArgumentException("need 0 < alpha < 1 and tau > 0, got alpha " + alpha + ", tau " + tau);
        }
        if (variance == 0) {
            return 0; // every value the same (a mean of equal scores): nothing left to be unsure of
        }
        final double tau2 = tau * tau;
        return Math.sqrt(2 * variance * (variance + tau2) / tau2
            * (Math.log(1 / alpha) + 0.5 * Math.log((variance + tau2) / variance)));
    }

    /**
     * The variance of a rate, from the rate shrunk half a failure towards the middle: a canary with no failure yet
     * has not shown a variance of zero, and an interval of width zero would condemn its first one.
     */
    private static double variance(final long failures, final long samples) {
        final double shrunk = shrunkRate(failures, samples);
        return shrunk * (1 - shrunk) / samples;
    }

    /**
     * {@code count} of {@code samples} as a rate shrunk half a count towards one half: never exactly 0 or 1, so
     * neither a variance nor a posterior built on it collapses before the first failure (or success) is seen.
     */
    public static double shrunkRate(final long count, final long samples) {
        return (count + 0.5) / (samples + 1.0);
    }
}
