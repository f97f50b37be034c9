package dev.switchboard.routing.admin;

import dev.switchboard.events.RolloutFailureAction;
import dev.switchboard.events.RolloutGate;
import dev.switchboard.events.RolloutGateKind;
import dev.switchboard.events.RolloutMetric;
import dev.switchboard.events.RolloutStep;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * {@code POST /api/rollouts}: the candidate to roll out on a provider, and optionally the id, the baseline (the
 * provider's default), the steps and gates ({@link RolloutAdmin#DEFAULT_STEPS}, {@link RolloutAdmin#DEFAULT_GATES})
 * and what a failed gate does ({@code roll_back} or {@code pause}).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record RolloutCommand(@Nullable String rolloutId, String provider, @Nullable String baseline, String candidate,
                      @Nullable List<PlannedStep> steps, @Nullable List<PlannedGate> gates,
                      @Nullable String onFailure) {

    static final String FIELDS = "provider, candidate, and optionally rollout_id, baseline, steps, gates, on_failure";

    RolloutCommand {
        rolloutId = Checks.optionalText(rolloutId, "rollout_id");
        if (rolloutId != null) {
            Checks.name(rolloutId, "rollout_id", 100);
        }
        provider = Checks.text(provider, "provider");
        baseline = Checks.optionalText(baseline, "baseline");
        candidate = Checks.text(candidate, "candidate");
        if (steps != null) {
            stepsOf(steps);
        }
        if (gates != null) {
            gatesOf(gates);
        }
        onFailure(onFailure);
    }

    /** One step: the candidate's share, held at least this long and until this many requests reached each version. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record PlannedStep(Double percentage, @Nullable Long minimumDurationSeconds, @Nullable Long minimumSample) {
    }

    /** A gate: a metric, against the baseline ({@code vs_baseline}) or a fixed limit ({@code absolute}). */
    record PlannedGate(String metric, String kind, Double limit) {
    }

    List<RolloutStep> plannedSteps() {
        return steps == null ? RolloutAdmin.DEFAULT_STEPS : stepsOf(steps);
    }

    List<RolloutGate> plannedGates() {
        return gates == null ? RolloutAdmin.DEFAULT_GATES : gatesOf(gates);
    }

    RolloutFailureAction failureAction() {
        return onFailure(onFailure);
    }

    private static List<RolloutStep> stepsOf(final List<PlannedStep> steps) {
        if (steps.isEmpty() || steps.size() > 10) {
            throw AdminException.badRequest("'steps' must be a list of 1 to 10 steps");
        }
        final List<RolloutStep> result = new ArrayList<>();
        double previous = 0;
        for (int i = 0; i < steps.size(); i++) {
            final String at = "steps[" + i + "]";
            final PlannedStep step = Checks.body(steps.get(i), "percentage, minimum_duration_seconds, minimum_sample");
            final double percentage = Checks.number(step.percentage(), at + ".percentage", Double.NaN, 0.01, 99.99);
            if (percentage <= previous) {
                throw AdminException.badRequest("'" + at + ".percentage' must be above the step before's ("
                    + previous + "): a rollout only grows; the last promote takes the candidate to 100");
            }
            previous = percentage;
            result.add(new RolloutStep(percentage,
                (long) Checks.number(step.minimumDurationSeconds(), at + ".minimum_duration_seconds", 300, 0,
                    Duration.ofDays(30).toSeconds()),
                (long) Checks.number(step.minimumSample(), at + ".minimum_sample", 500, 0, 1e9)));
        }
        return result;
    }

    private static List<RolloutGate> gatesOf(final List<PlannedGate> gates) {
        if (gates.isEmpty()) {
            throw AdminException.badRequest("'gates' must be a list of 1 to 8 gates");
        }
        return gatesOf(gates, "gates");
    }

    /** Gates as written under {@code field} (the rollouts' gates, the experiments' guardrails): at most 8. */
    static List<RolloutGate> gatesOf(final List<PlannedGate> gates, final String field) {
        if (gates.size() > 8) {
            throw AdminException.badRequest("'" + field + "' must be a list of at most 8 gates");
        }
        final List<RolloutGate> result = new ArrayList<>();
        for (int i = 0; i < gates.size(); i++) {
            final String at = field + "[" + i + "]";
            final PlannedGate gate = Checks.body(gates.get(i), "metric, kind, limit");
            final RolloutMetric metric = switch (Checks.text(gate.metric(), at + ".metric")) {
                case "error_rate" -> RolloutMetric.ERROR_RATE;
                case "latency_p95" -> RolloutMetric.LATENCY_P95;
                case "time_to_first_token_p95" -> RolloutMetric.TIME_TO_FIRST_TOKEN_P95;
                case "quality_score" -> RolloutMetric.QUALITY_SCORE;
                case "cost_per_request" -> RolloutMetric.COST_PER_REQUEST;
                default -> throw AdminException.badRequest("'" + at + ".metric' must be error_rate, latency_p95, "
                    + "time_to_first_token_p95, quality_score or cost_per_request");
            };
            final RolloutGateKind kind = switch (Checks.text(gate.kind(), at + ".kind")) {
                case "vs_baseline" -> RolloutGateKind.VS_BASELINE;
                case "absolute" -> RolloutGateKind.ABSOLUTE;
                default -> throw AdminException.badRequest("'" + at + ".kind' must be vs_baseline (a margin over the "
                    + "baseline) or absolute (a fixed limit)");
            };
            final String limit = at + ".limit";
            result.add(new RolloutGate(metric, kind, switch (metric) {
                case ERROR_RATE -> Checks.number(gate.limit(), limit, Double.NaN, 0, 0.99);
                case LATENCY_P95, TIME_TO_FIRST_TOKEN_P95 -> Checks.number(gate.limit(), limit, Double.NaN,
                    kind == RolloutGateKind.ABSOLUTE ? 1 : 0, 3_600_000);
                // Dollars a request, or against the baseline a share of the baseline's (0.1: 10% above it).
                case COST_PER_REQUEST -> Checks.number(gate.limit(), limit, Double.NaN, 0,
                    kind == RolloutGateKind.ABSOLUTE ? 1_000 : 10);
                default -> Checks.number(gate.limit(), limit, Double.NaN,
                    kind == RolloutGateKind.ABSOLUTE ? -1e9 : 0, 1e9);
            }));
        }
        return result;
    }

    private static RolloutFailureAction onFailure(final @Nullable String value) {
        return switch (value == null ? "roll_back" : value) {
            case "roll_back" -> RolloutFailureAction.ROLL_BACK;
            case "pause" -> RolloutFailureAction.PAUSE;
            default -> throw AdminException.badRequest("'on_failure' must be roll_back or pause, got '" + value + "'");
        };
    }
}
