package dev.switchboard.stats.canary;

/**
 * A condition a canary must meet to go on (issue 7's gates): relative to the baseline on the same windows, or
 * absolute. The judge holds each to an always-valid interval: a gate passes once the whole interval is within what
 * it allows, fails once the whole interval is beyond it, and is undecided in between.
 */
public sealed interface Gate {

    /** How the gate is named in decisions and answers, e.g. {@code error_rate <= baseline + 0.01}. */
    String describe();

    /** The candidate's error rate no more than {@code maxWorse} (a share: 0.01 is one point) above the baseline's. */
    record ErrorRateVsBaseline(double maxWorse) implements Gate {
        public ErrorRateVsBaseline {
            if (!(maxWorse >= 0 && maxWorse < 1)) {
                throw new IllegalArgumentException("an error-rate margin is a share in [0, 1), got " + maxWorse);
            }
        }

        @Override
        public String describe() {
            return "error_rate <= baseline + " + maxWorse;
        }
    }

    /** The candidate's error rate at most {@code max}, whatever the baseline's. */
    record ErrorRateAtMost(double max) implements Gate {
        public ErrorRateAtMost {
            if (!(max > 0 && max < 1)) {
                throw new IllegalArgumentException("an error-rate limit is a share in (0, 1), got " + max);
            }
        }

        @Override
        public String describe() {
            return "error_rate <= " + max;
        }
    }
}
