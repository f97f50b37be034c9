package dev.switchboard.stats.rollout;

import dev.switchboard.stats.canary.CanaryEvidence;
import dev.switchboard.stats.canary.CanaryTotals;
import java.time.Duration;
import java.util.Objects;

/** Both versions' totals over one step of a rollout: the canary's windows, which a promote starts afresh. */
public record StepTotals(int step, CanaryTotals baseline, CanaryTotals candidate) {

    public StepTotals {
        Objects.requireNonNull(baseline, "baseline");
        Objects.requireNonNull(candidate, "candidate");
    }

    public static StepTotals empty(final int step) {
        return new StepTotals(step, CanaryTotals.empty(), CanaryTotals.empty());
    }

    public CanaryTotals side(final boolean candidateSide) {
        return candidateSide ? candidate : baseline;
    }

    public CanaryEvidence evidence(final Duration inStep) {
        return new CanaryEvidence(baseline.side(), candidate.side(), inStep);
    }
}
