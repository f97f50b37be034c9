package dev.switchboard.stats.canary;

import dev.switchboard.stats.experiment.Estimate;
import java.util.List;

/** What the judge decides at one look, with the evidence: every gate's estimate, interval and state. */
public sealed interface CanaryDecision {

    List<GateStatus> gates();

    /** Where a gate stands: its estimate with the always-valid interval, and what that interval says. */
    record GateStatus(Gate gate, Estimate estimate, State state) {
    }

    /** Passing: the whole interval is within the gate; failing: the whole interval is beyond it. */
    enum State {
        PASSING, FAILING, UNDECIDED
    }

    /** Every gate passes and the step has run its minimum time and sample: go to the next step. */
    record Promote(List<GateStatus> gates) implements CanaryDecision {
    }

    /** Keep the step as it is and look again; {@code why} says what is missing. */
    record Hold(List<GateStatus> gates, String why) implements CanaryDecision {
    }

    /** A gate fails: the candidate is worse than allowed, whatever more data would say. */
    record RollBack(List<GateStatus> gates, Gate failed) implements CanaryDecision {
    }

    /**
     * The candidate was taken out of traffic (the prober reports it unhealthy), so the step would wait for evidence
     * that cannot come: it fails the step, as a failing gate does; {@code why} says what its health is.
     */
    record OutOfRotation(List<GateStatus> gates, String why) implements CanaryDecision {
    }
}
