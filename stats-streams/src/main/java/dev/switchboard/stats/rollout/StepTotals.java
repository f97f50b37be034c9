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

    /** The totals of {@code step}: those stored, unless there are none yet or they are a previous step's. */
    public static StepTotals current(final StepTotals stored, final int step) {
        return stored == null || stored.step() != step ? empty(step) : stored;
    }

    public CanaryTotals side(final boolean candidateSide) {
        return candidateSide ? candidate : baseline;
    }

    public CanaryEvidence evidence(final Duration inStep) {
        return new CanaryEvidence(baseline.side(), candidate.side(), inStep);
    }
}
