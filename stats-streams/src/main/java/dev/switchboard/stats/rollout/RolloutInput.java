package dev.switchboard.stats.rollout;

import dev.switchboard.events.Rollout;
import dev.switchboard.events.RolloutDecision;
import dev.switchboard.stats.store.RolloutObservation;

/** What the rollout processor reads, keyed by rollout id: a plan, a decision, or an observation of a version. */
sealed interface RolloutInput {

    record Plan(Rollout plan) implements RolloutInput {
    }

    record Decision(RolloutDecision decision) implements RolloutInput {
    }

    record Observation(RolloutObservation observation) implements RolloutInput {
    }
}
