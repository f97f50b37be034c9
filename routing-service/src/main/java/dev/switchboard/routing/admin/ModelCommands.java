package dev.switchboard.routing.admin;

import java.util.Map;
import dev.switchboard.routing.governance.VersionName;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** Seed 002's model registry bodies, bound by Jackson with the seed's field names. */
final class ModelCommands {

    private ModelCommands() {
    }

    /**
     * {@code POST /api/models/register}: a model version with the provider version that serves it.
     *
     * @param trainingParams kept as given, whatever its shape: the registry only shows it again
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ModelRegistration(String algorithmName, String provider, String version, @Nullable String modelPath,
                    Map<String, Object> trainingParams, Map<String, Double> performanceMetrics,
                    @Nullable String description, @Nullable String createdBy, @Nullable String modelVersion,
                    @Nullable Set<String> tags) {

        static final String FIELDS = "algorithm_name, provider, version, and optionally model_path, training_params, "
            + "performance_metrics, description, created_by, model_version, tags";

        ModelRegistration {
            algorithmName = Checks.name(Checks.text(algorithmName, "algorithm_name"), "algorithm_name", 64);
            provider = Checks.text(provider, "provider");
            version = Checks.text(version, "version");
            modelPath = Checks.optionalText(modelPath, "model_path");
            trainingParams = trainingParams == null ? Map.of() : trainingParams;
            performanceMetrics = performanceMetrics == null ? Map.of() : performanceMetrics;
            performanceMetrics.forEach((metric, value) -> {
                if (value == null) {
                    throw AdminException.badRequest("'performance_metrics." + metric + "' must be a number");
                }
            });
            description = Checks.optionalText(description, "description");
            createdBy = Checks.optionalText(createdBy, "created_by");
            modelVersion = modelVersion == null ? null : checkedVersion(modelVersion);
            tags = tags == null ? Set.of() : Tags.checked(tags);
        }
    }

    /** {@code PUT /api/models/{id}/tags}: {@code {"tags": ["stable"]}}, the entry's own labels (replaced). */
    record Tags(Set<String> tags) {
        Tags {
            tags = checked(tags == null ? Set.of() : tags);
        }

        static Set<String> checked(final Set<String> tags) {
            if (tags.size() > 20) {
                throw AdminException.badRequest("'tags' may hold at most 20 labels, got " + tags.size());
            }
            return Set.copyOf(new TreeSet<>(tags.stream().map(tag -> Checks.name(Checks.text(tag, "tags[]"),
                "tags[]", 64)).toList()));
        }
    }

    private static String checkedVersion(final String given) {
        try {
            return VersionName.check(Checks.text(given, "model_version"));
        } catch (IllegalArgumentException e) {
            throw AdminException.badRequest("'model_version': " + e.getMessage());
        }
    }

    /** {@code POST /api/models/{id}/promote}: {@code {"stage": "deployed"}}. */
    record StageChange(String stage) {
        StageChange {
            stage = Checks.text(stage, "stage");
        }
    }
}
