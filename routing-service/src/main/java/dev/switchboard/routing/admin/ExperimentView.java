package dev.switchboard.routing.admin;

import dev.switchboard.events.AdaptiveSettings;
import dev.switchboard.events.Experiment;
import dev.switchboard.events.ExperimentArm;
import dev.switchboard.events.ExperimentFeedback;
import dev.switchboard.schemas.ExperimentSchedule;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * An experiment in seed 002's field names. The salt stays inside: it would let anyone compute who is in which arm.
 *
 * @param arms         every arm's version, {@code model_a} and {@code model_b} among them
 * @param endsAt       when its duration runs out, counted from its start
 * @param mode         {@code fixed} (seed 002's split) or {@code adaptive}
 * @param guardrails   gates that stop an arm which fails one, in the rollouts' syntax
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record ExperimentView(String experimentName, String provider, String modelA, String modelB, Map<String, String> arms,
                      Map<String, Double> trafficSplit, String successMetric, int durationDays,
                      @Nullable Long minimumSample, double minimumDetectableEffect, double alpha, double power,
                      String status, String createdBy, Instant createdAt, @Nullable Instant startedAt,
                      @Nullable Instant endsAt, String mode, @Nullable Adaptive adaptive,
                      List<RolloutView.Gate> guardrails) {

    /** An adaptive experiment's search, as it was created. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Adaptive(boolean higherIsBetter, double confidence, double explorationFloor, long maximumSample,
                    int maximumArms, int decideEverySeconds, boolean promoteWinner) {

        static @Nullable Adaptive of(final @Nullable AdaptiveSettings settings) {
            return settings == null ? null : new Adaptive(settings.getHigherIsBetter(), settings.getConfidence(),
                settings.getExplorationFloor(), settings.getMaximumSample(), settings.getMaximumArms(),
                settings.getDecideEverySeconds(), settings.getPromoteWinner());
        }
    }

    static ExperimentView of(final Experiment e) {
        final Map<String, String> arms = new LinkedHashMap<>();
        final Map<String, Double> split = new LinkedHashMap<>();
        for (final ExperimentArm arm : e.getArms()) {
            arms.put(arm.getName(), arm.getVersion());
            split.put(arm.getName(), arm.getShare());
        }
        return new ExperimentView(e.getName(), e.getCategory() + "/" + e.getProvider(), arms.get("model_a"),
            arms.get("model_b"), arms, split, e.getSuccessMetric().name().toLowerCase(Locale.ROOT),
            e.getDurationDays(), e.getMinimumSample(), e.getMinimumDetectableEffect(), e.getAlpha(), e.getPower(),
            ExperimentAdmin.status(e.getStatus()), e.getCreatedBy(), e.getCreatedAt(), e.getStartedAt(),
            e.getStartedAt() == null ? null : ExperimentSchedule.endsAt(e), e.getMode().name().toLowerCase(Locale.ROOT),
            Adaptive.of(e.getAdaptive()), e.getGuardrails().stream().map(RolloutView.Gate::of).toList());
    }

    /** The answer to a client's score: what was recorded. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ExperimentScore(String experimentName, String requestId, double score) {

        static ExperimentScore of(final String scoredFor, final ExperimentFeedback feedback) {
            return new ExperimentScore(scoredFor, feedback.getRequestId(), feedback.getScore());
        }
    }
}
