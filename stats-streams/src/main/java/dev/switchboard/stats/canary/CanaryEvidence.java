package dev.switchboard.stats.canary;

import dev.switchboard.stats.experiment.Moments;
import dev.switchboard.stats.sketch.Distribution;
import java.time.Duration;
import java.util.Objects;

/** What a step of a canary has gathered so far: both versions on the same windows, and how long it has run. */
public record CanaryEvidence(Side baseline, Side candidate, Duration inStep) {

    public CanaryEvidence {
        Objects.requireNonNull(baseline, "baseline");
        Objects.requireNonNull(candidate, "candidate");
        Objects.requireNonNull(inStep, "inStep");
    }

    /**
     * One version's share of the step: its served requests, those that failed, the latency and time-to-first-token
     * distributions (milliseconds), and clients' quality scores.
     */
    public record Side(long samples, long failures, Distribution latency, Distribution timeToFirstToken,
                       Moments scores, Moments costs) {

        /** A side without costs: its versions are not priced. */
        public Side(final long samples, final long failures, final Distribution latency,
                    final Distribution timeToFirstToken, final Moments scores) {
            this(samples, failures, latency, timeToFirstToken, scores, Moments.EMPTY);
        }

        public Side {
            if (failures < 0 || failures > samples) {
                throw new IllegalArgumentException("failures must be between 0 and the samples, got " + failures
                    + " of " + samples);
            }
            Objects.requireNonNull(latency, "latency");
            Objects.requireNonNull(timeToFirstToken, "timeToFirstToken");
            Objects.requireNonNull(scores, "scores");
            Objects.requireNonNull(costs, "costs");
        }

        /** Requests and failures only, for the error-rate gates. */
        public static Side ofCounts(final long samples, final long failures) {
            return new Side(samples, failures, Distribution.empty(), Distribution.empty(), Moments.EMPTY);
        }
    }
}
