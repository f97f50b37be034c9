package dev.switchboard.routing.notify;

import dev.switchboard.events.AlertEvent;
import dev.switchboard.events.AlertState;
import dev.switchboard.events.AllocationState;
import dev.switchboard.events.ArmAllocation;
import dev.switchboard.events.ExperimentAllocation;
import dev.switchboard.events.ExperimentVerdict;
import dev.switchboard.events.NotificationKind;
import dev.switchboard.events.Rollout;
import dev.switchboard.events.RolloutAction;
import dev.switchboard.events.RolloutDecision;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One thing to tell a channel.
 *
 * @param id         the same for every delivery of the same event: receivers deduplicate by it
 * @param kind       what a channel subscribes to
 * @param provider   {@code category/name}, for channels that follow some providers only
 * @param title      one line
 * @param text       what happened, in words
 * @param occurredAt when it happened
 * @param event      the event's figures, named as in its schema (JSON-ready: no NaN)
 */
public record Notification(String id, NotificationKind kind, String provider, String title, String text,
                           Instant occurredAt, Map<String, @Nullable Object> event) {

    public Notification {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        event = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(event));
    }

    public static Notification of(final AlertEvent alert) {
        final String provider = alert.getCategory() + "/" + alert.getProvider();
        final boolean firing = alert.getState() == AlertState.FIRING;
        final Map<String, @Nullable Object> event = new LinkedHashMap<>();
        event.put("rule_id", alert.getRuleId());
        event.put("provider", provider);
        event.put("version", alert.getVersion());
        event.put("state", lower(alert.getState().name()));
        event.put("metric", lower(alert.getMetric().name()));
        event.put("comparison", lower(alert.getComparison().name()));
        event.put("threshold", alert.getThreshold());
        event.put("value", Double.isFinite(alert.getValue()) ? alert.getValue() : null);
        event.put("samples", alert.getSamples());
        event.put("window_start", alert.getWindowStart().toString());
        event.put("window_end", alert.getWindowEnd().toString());
        event.put("condition_since", alert.getConditionSince().toString());
        event.put("fired_at", alert.getFiredAt().toString());
        event.put("reason", alert.getReason());
        event.put("description", alert.getDescription());
        return new Notification(alert.getEventId(), NotificationKind.ALERTS, provider,
            (firing ? "FIRING" : "RESOLVED") + ": " + alert.getRuleId() + " on " + provider + "/"
                + alert.getVersion(),
            alert.getReason() + (alert.getDescription() == null ? "" : " (" + alert.getDescription() + ")"),
            alert.getEventTime(), event);
    }

    /**
     * @param plan the rollout the decision is about, when this router has read it (its provider and versions)
     * @return empty for a decision that is nobody's news (an unknown action)
     */
    public static Optional<Notification> of(final RolloutDecision decision, final @Nullable Rollout plan) {
        if (decision.getAction() == RolloutAction.UNKNOWN) {
            return Optional.empty();
        }
        final String provider = plan == null ? "" : plan.getCategory() + "/" + plan.getProvider();
        final Map<String, @Nullable Object> event = new LinkedHashMap<>();
        event.put("rollout_id", decision.getRolloutId());
        event.put("provider", provider);
        event.put("candidate", plan == null ? null : plan.getCandidate());
        event.put("baseline", plan == null ? null : plan.getBaseline());
        event.put("action", lower(decision.getAction().name()));
        event.put("step", decision.getStep());
        event.put("revision", decision.getRevision());
        event.put("reason", decision.getReason());
        event.put("failed_gate", decision.getFailedGate());
        event.put("decided_by", decision.getDecidedBy());
        event.put("decided_at", decision.getDecidedAt().toString());
        final NotificationKind kind = decision.getAction() == RolloutAction.HOLD
            ? NotificationKind.ROLLOUT_HOLDS : NotificationKind.ROLLOUT_DECISIONS;
        final String subject = plan == null ? decision.getRolloutId()
            : decision.getRolloutId() + " (" + provider + ": " + plan.getCandidate() + " against "
                + plan.getBaseline() + ")";
        return Optional.of(new Notification(decision.getDecisionId(), kind, provider,
            decision.getAction().name() + ": rollout " + subject + " at step " + (decision.getStep() + 1),
            decision.getReason() + " (by " + decision.getDecidedBy() + ")", decision.getDecidedAt(), event));
    }

    public static Notification of(final ExperimentVerdict verdict) {
        final String provider = verdict.getCategory() + "/" + verdict.getProvider();
        final Map<String, @Nullable Object> event = new LinkedHashMap<>();
        event.put("experiment", verdict.getExperiment());
        event.put("provider", provider);
        event.put("candidate", verdict.getCandidate());
        event.put("control", verdict.getControl());
        event.put("verdict", lower(verdict.getVerdict().name()));
        event.put("previous", verdict.getPrevious() == null ? null : lower(verdict.getPrevious().name()));
        event.put("metric", verdict.getMetric());
        event.put("test", verdict.getTest());
        event.put("difference", Double.isFinite(verdict.getDifference()) ? verdict.getDifference() : null);
        event.put("p_value", verdict.getPValue());
        event.put("candidate_samples", verdict.getCandidateSamples());
        event.put("control_samples", verdict.getControlSamples());
        event.put("decided_at", verdict.getDecidedAt().toString());
        return new Notification(verdict.getEventId(), NotificationKind.EXPERIMENT_VERDICTS, provider,
            "Experiment " + verdict.getExperiment() + ": " + verdict.getCandidate() + " "
                + lower(verdict.getVerdict().name()).replace('_', ' ') + " than " + verdict.getControl(),
            String.format(java.util.Locale.ROOT, "%s on %s: difference %.4g (%s, p = %.3g) over %d and %d requests; "
                    + "was %s", verdict.getCandidate(), verdict.getMetric(), verdict.getDifference(),
                verdict.getTest(), verdict.getPValue(), verdict.getCandidateSamples(), verdict.getControlSamples(),
                verdict.getPrevious() == null ? "not judged yet" : lower(verdict.getPrevious().name())),
            verdict.getDecidedAt(), event);
    }

    /**
     * An experiment's allocation decision, when it is news: an adaptive search that found its best arm or ended
     * with none, or an arm a guardrail stopped; the decisions that only re-share the traffic are not.
     */
    public static Optional<Notification> of(final ExperimentAllocation decision) {
        if (decision.getState() == AllocationState.EXPLORING || decision.getState() == AllocationState.UNKNOWN) {
            return Optional.empty();
        }
        final String provider = decision.getCategory() + "/" + decision.getProvider();
        final Map<String, @Nullable Object> event = new LinkedHashMap<>();
        event.put("experiment", decision.getExperiment());
        event.put("provider", provider);
        event.put("state", lower(decision.getState().name()));
        event.put("winner", decision.getWinner());
        event.put("reason", decision.getReason());
        event.put("metric", decision.getMetric());
        event.put("confidence", decision.getConfidence());
        event.put("sequence", decision.getSequence());
        event.put("outcomes_seen", decision.getOutcomesSeen());
        final Map<String, @Nullable Object> arms = new LinkedHashMap<>();
        for (final ArmAllocation arm : decision.getArms()) {
            final Map<String, @Nullable Object> figures = new LinkedHashMap<>();
            figures.put("version", arm.getVersion());
            figures.put("samples", arm.getSamples());
            figures.put("estimate", Double.isFinite(arm.getEstimate()) ? arm.getEstimate() : null);
            figures.put("share", arm.getShare());
            figures.put("eliminated", arm.getEliminated());
            arms.put(arm.getArm(), figures);
        }
        event.put("arms", arms);
        event.put("decided_at", decision.getDecidedAt().toString());
        final String title = switch (decision.getState()) {
            case BEST_FOUND -> "Experiment " + decision.getExperiment() + ": " + decision.getWinner() + " is the best";
            case NO_CLEAR_WINNER -> "Experiment " + decision.getExperiment() + ": no clear winner";
            default -> "Experiment " + decision.getExperiment() + ": an arm stopped by a guardrail";
        };
        return Optional.of(new Notification(decision.getEventId(), NotificationKind.EXPERIMENT_VERDICTS, provider,
            title, decision.getReason() + String.format(Locale.ROOT, " (decision %d, %d outcomes)",
                decision.getSequence(), decision.getOutcomesSeen()), decision.getDecidedAt(), event));
    }

    private static String lower(final String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
