package dev.switchboard.stats.experiment;

import java.util.SplittableRandom;

/** Latencies for seeded simulations: log-normal, as LLM answers are (skewed, with a long tail). */
public final class SimulatedLatency {

    private SimulatedLatency() {
    }

    /** A latency in milliseconds around 400 ms times {@code factor}. */
    public static long logNormal(final SplittableRandom random, final double factor) {
        return Math.round(factor * Math.exp(6 + 0.5 * gaussian(random)));
    }

    /** A standard normal draw (Box-Muller), kept explicit so the seeded figures do not move with the JDK. */
    public static double gaussian(final SplittableRandom random) {
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }
}
