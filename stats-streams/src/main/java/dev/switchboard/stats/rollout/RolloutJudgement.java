package dev.switchboard.stats.rollout;

import dev.switchboard.events.Rollout;
import dev.switchboard.events.RolloutAction;
import dev.switchboard.events.RolloutDecision;
import dev.switchboard.events.RolloutEvidence;
import dev.switchboard.events.RolloutFailureAction;
import dev.switchboard.events.RolloutGateState;
import dev.switchboard.events.RolloutGateStatus;
import dev.switchboard.events.RolloutStep;
import dev.switchboard.rollout.RolloutState;
import dev.switchboard.stats.canary.CanaryDecision;
import dev.switchboard.stats.canary.CanaryEvidence;
import dev.switchboard.stats.canary.CanaryJudge;
import dev.switchboard.stats.canary.Gate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A rollout's current step judged by the canary judge, and the judgement written as a {@link RolloutDecision}: a
 * failing gate rolls back or pauses (as the plan says), passing gates promote, anything else holds. The decision
 * names the revision it was taken on, so it applies only if nothing else changed the rollout first.
 */
public record RolloutJudgement(RolloutState state, CanaryEvidence evidence, CanaryDecision verdict) {

    /** What the decision names as failed when the candidate's health, not a gate, ends the step. */
    public static final String CANDIDATE_HEALTH = "candidate health";

    /**
     * Judges {@code state}'s current step on {@code evidence}.
     *
     * @param unhealthy why the candidate is out of traffic, when the prober reports it unhealthy
     */
    public static RolloutJudgement of(final CanaryJudge judge, final RolloutState state,
                                      final CanaryEvidence evidence, final Optional<String> unhealthy) {
        final RolloutStep step = state.plan().getSteps().get(state.step());
        return new RolloutJudgement(state, evidence, judge.judge(gates(state.plan()), new CanaryJudge.Step(
            Duration.ofSeconds(step.getMinimumDurationSeconds()), step.getMinimumSample()), evidence, unhealthy));
    }

    /**
     * Judges {@code state}'s current step at {@code now} on the step's totals as stored (none yet, or a previous
     * step's, count as an empty step): what the judge does every few seconds and what the query API answers.
     */
    public static RolloutJudgement at(final CanaryJudge judge, final RolloutState state, final StepTotals stored,
                                      final Instant now, final Optional<String> unhealthy) {
        final StepTotals step = StepTotals.current(stored, state.step());
        final Duration inStep = Duration.between(state.stepStartedAt(), now);
        return of(judge, state, step.evidence(inStep.isNegative() ? Duration.ZERO : inStep), unhealthy);
    }

    /** The plan's gates as the judge takes them. */
    public static List<Gate> gates(final Rollout plan) {
        return plan.getGates().stream().map(Gate::of).toList();
    }

    /** What the judgement does to the rollout. */
    public RolloutAction action() {
        return switch (verdict) {
            case CanaryDecision.Promote promote -> RolloutAction.PROMOTE;
            case CanaryDecision.Hold hold -> RolloutAction.HOLD;
            case CanaryDecision.RollBack rollBack -> onFailure();
            case CanaryDecision.OutOfRotation out -> onFailure();
        };
    }

    private RolloutAction onFailure() {
        return state.plan().getOnFailure() == RolloutFailureAction.PAUSE ? RolloutAction.PAUSE
            : RolloutAction.ROLL_BACK;
    }

    public String reason() {
        return switch (verdict) {
            case CanaryDecision.Promote promote -> state.step() == state.plan().getSteps().size() - 1
                ? "every gate passes at the last step: the candidate takes all traffic"
                : "every gate passes: on to " + state.plan().getSteps().get(state.step() + 1).getPercentage() + "%";
            case CanaryDecision.Hold hold -> hold.why();
            case CanaryDecision.RollBack rollBack -> rollBack.failed().describe() + " fails";
            case CanaryDecision.OutOfRotation out -> "the candidate is out of traffic, so the step cannot gather "
                + "its evidence: " + out.why();
        };
    }

    /** The judgement as the event routers and operators read, by {@code judgedBy}, at {@code at}. */
    public RolloutDecision toDecision(final String judgedBy, final Instant at) {
        final List<RolloutGateStatus> gates = new ArrayList<>();
        for (int i = 0; i < verdict.gates().size(); i++) {
            final CanaryDecision.GateStatus status = verdict.gates().get(i);
            gates.add(new RolloutGateStatus(i, status.gate().describe(), status.estimate().value(),
                status.estimate().low(), status.estimate().high(), RolloutGateState.valueOf(status.state().name())));
        }
        final CanaryEvidence.Side baseline = evidence.baseline();
        final CanaryEvidence.Side candidate = evidence.candidate();
        return RolloutDecision.newBuilder()
            .setDecisionId(UUID.randomUUID().toString()).setRolloutId(state.plan().getId())
            .setRevision(state.revision()).setStep(state.step()).setAction(action()).setReason(reason())
            .setDecidedBy(judgedBy).setDecidedAt(at)
            .setEvidence(new RolloutEvidence(baseline.samples(), baseline.failures(), candidate.samples(),
                candidate.failures(), evidence.inStep().toMillis(), gates))
            .setFailedGate(switch (verdict) {
                case CanaryDecision.RollBack rollBack -> rollBack.failed().describe();
                case CanaryDecision.OutOfRotation out -> CANDIDATE_HEALTH;
                case CanaryDecision.Promote promote -> null;
                case CanaryDecision.Hold hold -> null;
            })
            .build();
    }
}
