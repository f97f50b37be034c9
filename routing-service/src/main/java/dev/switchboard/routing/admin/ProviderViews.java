package dev.switchboard.routing.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The answers of seed 000's admin API as records: the field names are the seed's ({@code is_active},
 * {@code health_score}, ...), made by Jackson's snake-case naming rather than by hand, and absent fields are left
 * out rather than sent as null.
 */
final class ProviderViews {

    private ProviderViews() {
    }

    /** {@code GET .../versions}. */
    record VersionList(List<VersionSummary> data, int total) {
    }

    /**
     * One version in the list.
     *
     * @param routable          whether it has somewhere to be called (its url, or its type's endpoint)
     * @param notRoutableReason what to set when it has not
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record VersionSummary(String category, String name, String version, int weight, boolean isActive,
                          boolean isDefault, double healthScore, boolean routable, @Nullable String notRoutableReason,
                          Instant createdAt, Instant updatedAt) {
    }

    /** {@code GET .../grayscale}, and the answer of every change to a provider's split. */
    record Grayscale(GrayscaleState data) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record GrayscaleState(String category, String name, String strategy, @Nullable Rollout rollout,
                          @Nullable String fallbackProvider, @Nullable Shadow shadow, int maxAttempts,
                          List<GrayscaleVersion> versions, ChangeRules changePolicy) {
    }

    /**
     * Which changes need an approver: weights raised by more than {@code max_weight_step} (absent: any step), and
     * every change of the kinds in {@code approval_for}.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ChangeRules(@Nullable Integer maxWeightStep, List<String> approvalFor, long proposalTtlMinutes) {
    }

    /** {@code GET .../history}: newest first; {@code undecodable} counts audit records that could not be read. */
    record History(List<HistoryEntry> data, int total, long undecodable) {
    }

    /**
     * One change to the provider. {@code before} and {@code after} are what the change recorded (secrets masked);
     * {@code restorable} says whether {@code POST .../restore} can go back to just after it.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record HistoryEntry(@Nullable String changeId, Instant at, String actor, String action, String subject,
                        @Nullable Object before, @Nullable Object after, boolean restorable) {
    }

    /** A provider's policy as the audit trail records it before and after a change. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Policy(String strategy, @Nullable Rollout rollout, @Nullable String fallbackProvider, int maxAttempts,
                  @Nullable Shadow shadow) {
    }

    record Rollout(String baseline, String candidate, double percentage) {
    }

    record Shadow(String candidate, double percentage) {
    }

    /** @param config the version's whole configuration, secrets masked: its fields depend on its type */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record GrayscaleVersion(String version, int weight, boolean isActive, boolean isDefault, double healthScore,
                            boolean routable, @Nullable String notRoutableReason, Map<String, Object> config) {
    }

    /** A version's configuration: the answer of a create, read, update, activate or deactivate. */
    record ConfigAnswer(Map<String, Object> data) {
    }
}
