package dev.switchboard.stats.experiment;

import dev.switchboard.events.RolloutGate;
import java.util.List;

/**
 * Holds an experiment's arm to its guardrails (gates in the rollouts' syntax) against the control arm. The
 * experiments ask; the canary judge answers ({@code stats.canary}), so the experiments do not depend on it.
 */
@FunctionalInterface
public interface Guardrails {

    /** Where an arm stands on its guardrails. */
    sealed interface Standing permits Passing, Unproven, Breached {
    }

    /** Every guardrail passes with the error rate asked. */
    record Passing() implements Standing {
    }

    /** Not every guardrail is decided yet. */
    record Unproven() implements Standing {
    }

    /** A guardrail fails: which, with its interval, in words. */
    record Breached(String why) implements Standing {
    }

    /**
     * @param alpha the error rate shared among the gates
     */
    Standing check(List<RolloutGate> gates, ArmTotals control, ArmTotals arm, double alpha);
}
