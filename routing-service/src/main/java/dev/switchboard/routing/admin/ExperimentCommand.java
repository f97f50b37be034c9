package dev.switchboard.routing.admin;

import dev.switchboard.events.AdaptiveSettings;
import dev.switchboard.events.ExperimentMetric;
import dev.switchboard.events.ExperimentMode;
import dev.switchboard.events.RolloutGate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Seed 002's body to create an experiment, with the provider whose versions are the arms: {@code model_a} and
 * {@code model_b} (a registered model or a version each), any further arms under {@code arms}, each arm's share in
 * {@code traffic_split}, the success metric and the duration. The sample size comes from the effect to detect,
 * alpha and power unless {@code minimum_sample} sets it.
 *
 * <p>{@code "mode": "adaptive"} instead searches for the best arm: the shares (equal unless {@code traffic_split}
 * gives the first ones) move toward the better arms as evidence comes in, and the search stops once one arm is the
 * best with {@code confidence}. Its settings: {@code higher_is_better} (the metric's own direction unless set),
 * {@code exploration_floor} (the least share an arm keeps), {@code maximum_sample} (over all arms, then "no clear
 * winner"), {@code maximum_arms} (arms added later included), {@code decide_every_seconds} (the decisions' cadence, in event time),
 * {@code promote_winner}; {@code minimum_sample} is then the samples an arm needs before it can be eliminated.
 * Either mode takes {@code guardrails}: gates in the rollouts' syntax that stop an arm which fails one.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record ExperimentCommand(String experimentName, String provider, String modelA, String modelB,
                         Map<String, String> arms, Map<String, Double> trafficSplit, String successMetric,
                         Integer durationDays, @Nullable Long minimumSample, Double minimumDetectableEffect,
                         Double alpha, Double power, @Nullable String mode, @Nullable Double confidence,
                         @Nullable Double explorationFloor, @Nullable Boolean higherIsBetter,
                         @Nullable Long maximumSample, @Nullable Integer maximumArms, @Nullable Integer decideEverySeconds,
                         @Nullable Boolean promoteWinner, @Nullable List<RolloutCommand.PlannedGate> guardrails) {

    static final String FIELDS = "experiment_name, provider, model_a, model_b, traffic_split, success_metric and "
        + "duration_days";
    static final int DEFAULT_MAXIMUM_ARMS = 8;
    static final long DEFAULT_MAXIMUM_SAMPLE = 100_000;
    static final int DEFAULT_DECIDE_EVERY_SECONDS = 30;
    static final long DEFAULT_ADAPTIVE_MINIMUM_SAMPLE = 100;
    /** What the event's power says of an adaptive experiment: the calibration's power for its designed effect. */
    static final double ADAPTIVE_POWER = 0.95;

    ExperimentCommand {
        experimentName = Checks.name(Checks.text(experimentName, "experiment_name"), "experiment_name", 100);
        provider = Checks.text(provider, "provider");
        modelA = Checks.text(modelA, "model_a");
        modelB = Checks.text(modelB, "model_b");
        arms = arms == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(arms)); // in the order given
        arms.forEach((arm, version) -> {
            if (arm.equals("model_a") || arm.equals("model_b") || version == null) {
                throw AdminException.badRequest("'arms." + arm + "' must be a version name, once");
            }
        });
        trafficSplit = trafficSplit == null ? Map.of() : trafficSplit;
        metric(Checks.text(successMetric, "success_metric"));
        durationDays = (int) Checks.number(durationDays, "duration_days", Double.NaN, 1, 365);
        mode = mode == null ? "fixed" : mode;
        final boolean adaptive = switch (mode) {
            case "fixed" -> false;
            case "adaptive" -> true;
            default -> throw AdminException.badRequest("'mode' must be fixed (seed 002's split) or adaptive, got '"
                + mode + "'");
        };
        if (adaptive) {
            refuseFixedOnly(alpha, "alpha");
            refuseFixedOnly(power, "power");
            minimumSample = (long) Checks.number(minimumSample, "minimum_sample", DEFAULT_ADAPTIVE_MINIMUM_SAMPLE, 10,
                1e7);
            maximumArms = (int) Checks.number(maximumArms, "maximum_arms", DEFAULT_MAXIMUM_ARMS, 2, 32);
            if (2 + arms.size() > maximumArms) {
                throw AdminException.badRequest("'maximum_arms' (" + maximumArms + ") must be at least the "
                    + (2 + arms.size()) + " arms given");
            }
            confidence = Checks.number(confidence, "confidence", 0.95, 0.5, 0.999);
            explorationFloor = Checks.number(explorationFloor, "exploration_floor", Math.min(0.05, 1.0 / maximumArms),
                0, 1.0 / maximumArms);
            maximumSample = (long) Checks.number(maximumSample, "maximum_sample", DEFAULT_MAXIMUM_SAMPLE,
                2.0 * minimumSample, 1e10);
            decideEverySeconds = (int) Checks.number(decideEverySeconds, "decide_every_seconds",
                DEFAULT_DECIDE_EVERY_SECONDS, 1, 86_400);
            higherIsBetter = higherIsBetter == null ? higherIsBetterByDefault(metric(successMetric)) : higherIsBetter;
            promoteWinner = promoteWinner != null && promoteWinner;
        } else {
            refuseAdaptiveOnly(confidence, "confidence");
            refuseAdaptiveOnly(explorationFloor, "exploration_floor");
            refuseAdaptiveOnly(higherIsBetter, "higher_is_better");
            refuseAdaptiveOnly(maximumSample, "maximum_sample");
            refuseAdaptiveOnly(maximumArms, "maximum_arms");
            refuseAdaptiveOnly(decideEverySeconds, "decide_every_seconds");
            refuseAdaptiveOnly(promoteWinner, "promote_winner");
            minimumSample = minimumSample == null ? null
                : (long) Checks.number(minimumSample, "minimum_sample", 0, 1, 1e9);
        }
        minimumDetectableEffect = Checks.number(minimumDetectableEffect, "minimum_detectable_effect", 0.05, 0.0001, 1);
        alpha = adaptive ? null : Checks.number(alpha, "alpha", 0.05, 0.0001, 0.2);
        power = adaptive ? null : Checks.number(power, "power", 0.8, 0.5, 0.999);
        guardrails = guardrails == null ? List.of() : List.copyOf(guardrails);
        RolloutCommand.gatesOf(guardrails, "guardrails"); // refused here, with the field named, when malformed
    }

    private static void refuseAdaptiveOnly(final @Nullable Object value, final String field) {
        if (value != null) {
            throw AdminException.badRequest("'" + field + "' is a setting of adaptive experiments: add \"mode\": "
                + "\"adaptive\", or leave it out");
        }
    }

    private static void refuseFixedOnly(final @Nullable Object value, final String field) {
        if (value != null) {
            throw AdminException.badRequest("'" + field + "' is a setting of fixed experiments; an adaptive one is "
                + "judged with 'confidence'");
        }
    }

    /** Arm name to what serves it: model_a, model_b, then the further arms. */
    Map<String, String> allArms() {
        final Map<String, String> all = new LinkedHashMap<>();
        all.put("model_a", modelA);
        all.put("model_b", modelB);
        all.putAll(arms);
        return all;
    }

    ExperimentMetric metric() {
        return metric(successMetric);
    }

    boolean adaptive() {
        return mode.equals("adaptive");
    }

    ExperimentMode experimentMode() {
        return adaptive() ? ExperimentMode.ADAPTIVE : ExperimentMode.FIXED;
    }

    /** The adaptive search's settings; null for a fixed experiment. */
    @Nullable AdaptiveSettings adaptiveSettings() {
        if (!adaptive()) {
            return null;
        }
        return new AdaptiveSettings(higherIsBetter, confidence, explorationFloor, maximumSample, maximumArms,
            decideEverySeconds, promoteWinner);
    }

    List<RolloutGate> plannedGuardrails() {
        return RolloutCommand.gatesOf(guardrails, "guardrails");
    }

    private static boolean higherIsBetterByDefault(final ExperimentMetric metric) {
        return metric == ExperimentMetric.SUCCESS_RATE || metric == ExperimentMetric.SCORE;
    }

    private static ExperimentMetric metric(final String name) {
        return switch (name) {
            case "success_rate" -> ExperimentMetric.SUCCESS_RATE;
            case "latency" -> ExperimentMetric.LATENCY;
            case "tokens" -> ExperimentMetric.TOKENS;
            case "score" -> ExperimentMetric.SCORE;
            case "cost_per_request" -> ExperimentMetric.COST_PER_REQUEST;
            default -> throw AdminException.badRequest("'success_metric' must be one of success_rate, latency, "
                + "tokens, score, cost_per_request; got '" + name + "'");
        };
    }
}
