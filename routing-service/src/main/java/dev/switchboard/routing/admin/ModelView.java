package dev.switchboard.routing.admin;

import dev.switchboard.events.RegisteredModel;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** A registered model in seed 002's field names, with the tags its stage and age among its algorithm's give it. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record ModelView(String modelId, String algorithmName, String provider, String version, @Nullable String modelPath,
                 Map<String, Object> trainingParams, Map<String, Double> performanceMetrics,
                 @Nullable String description, String createdBy, Instant createdAt, String stage,
                 Instant stageChangedAt, Set<String> tags, @Nullable String modelVersion,
                 @Nullable Instant archivedAt) {

    static ModelView of(final RegisteredModel model, final Map<String, Object> trainingParams,
                        final Set<String> tags) {
        return new ModelView(model.getModelId(), model.getAlgorithmName(),
            model.getCategory() + "/" + model.getProvider(), model.getVersion(), model.getModelPath(), trainingParams,
            model.getPerformanceMetrics(), model.getDescription(), model.getCreatedBy(), model.getCreatedAt(),
            ModelRegistry.stage(model.getStage()), model.getStageChangedAt(), tags, model.getModelVersion(),
            model.getArchivedAt());
    }
}
