package dev.switchboard.routing.outcome;

import dev.switchboard.events.RequestOutcome;
import dev.switchboard.events.ShadowComparison;

/** Where outcome events go. Must never block or fail the request that produced the outcome. */
public interface OutcomeRecorder {

    void record(RequestOutcome outcome);

    /** A shadow call's comparison with the answer the client got (seed 003's shadow mode). */
    void recordComparison(ShadowComparison comparison);
}
