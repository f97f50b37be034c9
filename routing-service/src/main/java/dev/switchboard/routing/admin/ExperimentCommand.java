package dev.switchboard.routing.admin;

import dev.switchboard.events.ExperimentMetric;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Seed 002's body to create an experiment, with the provider whose versions are the arms: {@code model_a} and
 * {@code model_b} (a registered model or a version each), any further arms under {@code arms}, each arm's share in
 * {@code traffic_split}, the success metric and the duration. The sample size comes from the effect to detect,
 * alpha and power unless {@code minimum_sample} sets it.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record ExperimentCommand(String experimentName, String provider, String modelA, String modelB,
                         Map<String, String> arms, Map<String, Double> trafficSplit, String successMetric,
                         Integer durationDays, @Nullable Long minimumSample, Double minimumDetectableEffect,
                         Double alpha, Double power) {

    static final String FIELDS = "experiment_name, provider, model_a, model_b, traffic_split, success_metric and "
        + "duration_days";

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
        minimumSample = minimumSample == null ? null : (long) Checks.number(minimumSample, "minimum_sample", 0, 1, 1e9);
        minimumDetectableEffect = Checks.number(minimumDetectableEffect, "minimum_detectable_effect", 0.05, 0.0001, 1);
        alpha = Checks.number(alpha, "alpha", 0.05, 0.0001, 0.2);
        power = Checks.number(power, "power", 0.8, 0.5, 0.999);
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

    private static ExperimentMetric metric(final String name) {
        return switch (name) {
            case "success_rate" -> ExperimentMetric.SUCCESS_RATE;
            case "latency" -> ExperimentMetric.LATENCY;
            case "tokens" -> ExperimentMetric.TOKENS;
            case "score" -> ExperimentMetric.SCORE;
            default -> throw AdminException.badRequest("'success_metric' must be one of success_rate, latency, "
                + "tokens, score; got '" + name + "'");
        };
    }
}
