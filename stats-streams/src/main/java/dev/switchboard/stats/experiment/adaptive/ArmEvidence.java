package dev.switchboard.stats.experiment.adaptive;

import dev.switchboard.stats.experiment.ArmData;
import dev.switchboard.stats.experiment.Metric;
import dev.switchboard.stats.experiment.Moments;

/**
 * What one arm has shown on the experiment's metric: for a success rate its samples and successes, for the other
 * metrics the moments of their values (whose count may differ from the arm's outcomes: not every answer is scored).
 */
public record ArmEvidence(String arm, long samples, long successes, Moments values) {

    public ArmEvidence {
        if (samples < 0 || successes < 0 || successes > samples) {
            throw new IllegalArgumentException("an arm's successes are between 0 and its samples, got " + successes
                + " of " + samples);
        }
    }

    public static ArmEvidence ofRate(final String arm, final long samples, final long successes) {
        return new ArmEvidence(arm, samples, successes, Moments.EMPTY);
    }

    public static ArmEvidence ofValues(final String arm, final Moments values) {
        return new ArmEvidence(arm, values.count(), 0, values);
    }

    /** The evidence an arm's totals hold on {@code metric}. */
    public static ArmEvidence of(final ArmData data, final Metric metric) {
        return switch (metric) {
            case SUCCESS_RATE -> ofRate(data.arm(), data.samples(), data.successes());
            case LATENCY -> ofValues(data.arm(), data.latency());
            case TOKENS -> ofValues(data.arm(), data.tokens());
            case SCORE -> ofValues(data.arm(), data.scores());
            case COST_PER_REQUEST -> ofValues(data.arm(), data.costs());
        };
    }

    public long failures() {
        return samples - successes;
    }
}
