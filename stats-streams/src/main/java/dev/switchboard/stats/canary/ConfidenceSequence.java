package dev.switchboard.stats.canary;

import dev.switchboard.stats.experiment.Estimate;

/**
 * Always-valid confidence intervals for error rates and their difference: the confidence sequences of the mixture
 * sequential probability ratio test (mSPRT) with a normal mixing distribution (Johari, Koomen, Pekelis and Walsh,
 * "Always valid inference", 2017; Robbins' normal mixture). Unlike a fixed-sample interval, the chance that the
 * true value ever leaves the interval, however often it is looked at, is at most alpha; so a canary can be judged
 * every few seconds without the false alarms that repeated fixed-threshold checks pile up.
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

    static double halfWidth(final double variance, final double alpha, final double tau) {
        if (!(alpha > 0 && alpha < 1) || !(tau > 0)) {
            throw new IllegalArgumentException("need 0 < alpha < 1 and tau > 0, got alpha " + alpha + ", tau " + tau);
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
        final double shrunk = (failures + 0.5) / (samples + 1.0);
        return shrunk * (1 - shrunk) / samples;
    }
}
