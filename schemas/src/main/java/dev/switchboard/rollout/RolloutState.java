package dev.switchboard.rollout;

import dev.switchboard.events.Rollout;
import dev.switchboard.events.RolloutDecision;
import dev.switchboard.schemas.VersionKey;
import java.time.Instant;
import java.util.Objects;

/**
 * Where a rollout stands: its plan folded with its decisions, in the order of their topic. Routers (to route the
 * candidate's share) and stats-streams (to judge the current step) fold the same events the same way, so they
 * agree, and a restart rebuilds the same state from the topics. A decision applies only at the revision it was
 * decided on: one decided on a state that has moved since (an operator's pause racing the judge's promote), or
 * written twice, changes nothing, so no decision is applied twice or against a state it did not see.
 *
 * @param step          the current step, 0-based; the last one once finished
 * @param stepStartedAt when the current step began: the judge's windows start there
 * @param revision      how many decisions have changed the rollout
 */
public record RolloutState(Rollout plan, Status status, int step, Instant stepStartedAt, long revision) {

    /** A rollout runs or is paused until it finishes (the candidate is the default), is rolled back or aborted. */
    public enum Status {
        RUNNING, PAUSED, FINISHED, ROLLED_BACK, ABORTED;

        public boolean ended() {
            return this == FINISHED || this == ROLLED_BACK || this == ABORTED;
        }
    }

    public RolloutState {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(stepStartedAt, "stepStartedAt");
        if (plan.getSteps().isEmpty()) {
            throw new IllegalArgumentException("rollout " + plan.getId() + " has no steps");
        }
        if (step < 0 || step >= plan.getSteps().size()) {
            throw new IllegalArgumentException("rollout " + plan.getId() + " has no step " + step);
        }
    }

    /** A new rollout: running its first step since it was created. */
    public static RolloutState begin(final Rollout plan) {
        return new RolloutState(plan, Status.RUNNING, 0, plan.getCreatedAt(), 0);
    }

    /** The state after {@code decision}; this state itself when the decision does not apply to it. */
    public RolloutState apply(final RolloutDecision decision) {
        if (!decision.getRolloutId().equals(plan.getId())) {
            throw new IllegalArgumentException("decision " + decision.getDecisionId() + " is for rollout "
                + decision.getRolloutId() + ", not " + plan.getId());
        }
        if (status.ended() || decision.getRevision() != revision) {
            return this;
        }
        return switch (decision.getAction()) {
            case PROMOTE -> promoted(decision.getDecidedAt());
            case ROLL_BACK -> moved(Status.ROLLED_BACK, step, stepStartedAt);
            case ABORT -> moved(Status.ABORTED, step, stepStartedAt);
            case PAUSE -> status == Status.RUNNING ? moved(Status.PAUSED, step, stepStartedAt) : this;
            case RESUME -> status == Status.PAUSED ? moved(Status.RUNNING, step, stepStartedAt) : this;
            case HOLD, UNKNOWN -> this; // evidence only, or an action this version does not know
        };
    }

    /** The provider the rollout runs on, as {@code category/name}. */
    public String provider() {
        return plan.getCategory() + "/" + plan.getProvider();
    }

    /** The candidate version's key, {@code category/name/version}, as the topics key a version. */
    public VersionKey candidate() {
        return new VersionKey(plan.getCategory(), plan.getProvider(), plan.getCandidate());
    }

    /** The share of subjects (0-100) the candidate gets now: the step's while it runs or is paused. */
    public double candidatePercentage() {
        return switch (status) {
            case RUNNING, PAUSED -> plan.getSteps().get(step).getPercentage();
            case FINISHED -> 100;
            case ROLLED_BACK, ABORTED -> 0;
        };
    }

    private RolloutState promoted(final Instant at) {
        final boolean last = step == plan.getSteps().size() - 1;
        return last ? moved(Status.FINISHED, step, at) : moved(Status.RUNNING, step + 1, at);
    }

    private RolloutState moved(final Status to, final int toStep, final Instant startedAt) {
        return new RolloutState(plan, to, toStep, startedAt, revision + 1);
    }
}
