package dev.switchboard.routing.outcome;

import dev.switchboard.events.RequestOutcome;

/** Where outcome events go. Must never block or fail the request that produced the outcome. */
@FunctionalInterface
public interface OutcomeRecorder {

    void record(RequestOutcome outcome);
}
