package dev.switchboard.simulator;

import org.apache.commons.math3.distribution.LogNormalDistribution;
import org.apache.commons.math3.random.RandomGenerator;

/** Draws call latencies from a log-normal distribution: most calls near the median, a long slow tail. */
final class LatencyModel {

    private final RandomGenerator random;

    LatencyModel(final RandomGenerator random) {
        this.random = random;
    }

    long sampleMillis(final Knobs knobs) {
        if (knobs.latencyMedianMs() == 0) {
            return 0;
        }
        if (knobs.latencySigma() == 0) {
            return Math.round(knobs.latencyMedianMs());
        }
        // The median of a log-normal is exp(scale).
        final var distribution = new LogNormalDistribution(random, Math.log(knobs.latencyMedianMs()),
            knobs.latencySigma(), LogNormalDistribution.DEFAULT_INVERSE_ABSOLUTE_ACCURACY);
        synchronized (random) {
            return Math.round(distribution.sample());
        }
    }
}
