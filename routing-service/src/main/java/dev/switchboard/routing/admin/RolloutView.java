package dev.switchboard.routing.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.switchboard.events.Rollout;
import dev.switchboard.events.RolloutDecision;
import dev.switchboard.events.RolloutEvidence;
import dev.switchboard.events.RolloutGate;
import dev.switchboard.events.RolloutStep;
import dev.switchboard.rollout.RolloutState;
import dev.switchboard.routing.rollout.RolloutBoard;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A rollout as the API answers it: its plan, where it stands (status, step, each version's share, the revision
 * decisions are taken on) and, read one at a time, its decisions, the holds the judge made, and the canary judge's
 * current view from stats-streams.
 *
 * @param step      the step it is at, counted from 1
 * @param decisions null in lists; a rollout read by its id has them
 * @param judge     null in lists; stats-streams' answer, or why there is none
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
record RolloutView(String rolloutId, String provider, String baseline, String candidate, String status, int step,
                   int stepsTotal, Map<String, Double> weights, Instant stepStartedAt, long revision,
                   List<Step> steps, List<Gate> gates, String onFailure, String declaredIn, String createdBy,
                   Instant createdAt, Instant changedAt, @Nullable List<DecisionView> decisions,
                   @Nullable List<DecisionView> holds, @Nullable Map<String, Object> judge) {

    static RolloutView of(final RolloutBoard.Entry entry) {
        return of(entry, null);
    }

    /** With its decisions, holds and the judge's view: a rollout read by its id. */
    static RolloutView of(final RolloutBoard.Entry entry, final @Nullable Map<String, Object> judge) {
        final RolloutState state = entry.state();
        final Rollout plan = state.plan();
        final double candidate = state.candidatePercentage();
        final Map<String, Double> weights = new LinkedHashMap<>();
        weights.put(plan.getBaseline(), 100 - candidate);
        weights.put(plan.getCandidate(), candidate);
        return new RolloutView(plan.getId(), state.provider(), plan.getBaseline(), plan.getCandidate(),
            RolloutAdmin.status(state.status()), state.step() + 1, plan.getSteps().size(), weights,
            state.stepStartedAt(), state.revision(), plan.getSteps().stream().map(Step::of).toList(),
            plan.getGates().stream().map(Gate::of).toList(), lower(plan.getOnFailure()), lower(plan.getDeclaredIn()),
            plan.getCreatedBy(), plan.getCreatedAt(), entry.changedAt(),
            judge == null ? null : entry.history().stream().map(DecisionView::of).toList(),
            judge == null ? null : entry.holds().stream().map(DecisionView::of).toList(), judge);
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Step(double percentage, long minimumDurationSeconds, long minimumSample) {
        static Step of(final RolloutStep step) {
            return new Step(step.getPercentage(), step.getMinimumDurationSeconds(), step.getMinimumSample());
        }
    }

    record Gate(String metric, String kind, double limit) {
        static Gate of(final RolloutGate gate) {
            return new Gate(lower(gate.getMetric()), lower(gate.getKind()), gate.getLimit());
        }
    }

    /**
     * A decision on the rollout, with the evidence the judge took it on (none for an operator's).
     *
     * @param step the step it was taken at, counted from 1
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record DecisionView(String decisionId, String action, int step, long revision, String reason, String decidedBy, Instant decidedAt,
                    @Nullable String failedGate, @Nullable Long baselineSamples, @Nullable Long baselineFailures,
                    @Nullable Long candidateSamples, @Nullable Long candidateFailures, @Nullable Long inStepMs,
                    @Nullable List<GateStatus> gates) {

        static DecisionView of(final RolloutDecision decision) {
            final RolloutEvidence evidence = decision.getEvidence();
            return new DecisionView(decision.getDecisionId(), lower(decision.getAction()), decision.getStep() + 1,
                decision.getRevision(), decision.getReason(), decision.getDecidedBy(), decision.getDecidedAt(),
                decision.getFailedGate(),
                evidence == null ? null : evidence.getBaselineSamples(),
                evidence == null ? null : evidence.getBaselineFailures(),
                evidence == null ? null : evidence.getCandidateSamples(),
                evidence == null ? null : evidence.getCandidateFailures(),
                evidence == null ? null : evidence.getInStepMs(),
                evidence == null ? null : evidence.getGates().stream().map(gate -> new GateStatus(gate.getGate(),
                    finite(gate.getEstimate()), finite(gate.getLow()), finite(gate.getHigh()),
                    lower(gate.getState()))).toList());
        }
    }

    /** A gate's estimate and interval when the decision was taken; null where there was no data yet. */
    record GateStatus(String gate, @Nullable Double estimate, @Nullable Double low, @Nullable Double high,
                      String state) {
    }

    /** The answer to a client's score: what was recorded. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record RolloutScore(String rolloutId, String requestId, double score) {
    }

    private static String lower(final Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /** NaN (no data yet) and infinities are not JSON numbers: they answer null. */
    private static @Nullable Double finite(final double value) {
        return Double.isFinite(value) ? value : null;
    }
}
