package dev.switchboard.routing.experiment;

import dev.switchboard.events.ExperimentAllocation;

/**
 * Acts on an adaptive experiment's decisions that change the configuration: a best arm found, in an experiment that
 * asked for its winner to be promoted. Called once per decision among all routers (a consumer group shares the
 * decisions), again after a failure: it must be idempotent.
 */
@FunctionalInterface
public interface WinnerPromotion {

    void promote(ExperimentAllocation decision);
}
