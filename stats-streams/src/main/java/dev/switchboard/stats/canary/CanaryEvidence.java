package dev.switchboard.stats.canary;

import java.time.Duration;
import java.util.Objects;

/** What a step of a canary has gathered so far: both versions on the same windows, and how long it has run. */
public record CanaryEvidence(long baselineSamples, long baselineFailures, long candidateSamples,
                             long candidateFailures, Duration inStep) {

    public CanaryEvidence {
        Objects.requireNonNull(inStep, "inStep");
        if (baselineFailures < 0 || baselineFailures > baselineSamples || candidateFailures < 0
            || candidateFailures > candidateSamples) {
            throw new IllegalArgumentException("failures must be between 0 and the samples");
        }
    }
}
