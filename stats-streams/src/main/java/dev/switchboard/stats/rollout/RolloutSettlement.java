package dev.switchboard.stats.rollout;

import dev.switchboard.events.ConfigChange;
import dev.switchboard.events.ModelStage;
import dev.switchboard.events.ProviderVersion;
import dev.switchboard.events.RegisteredModel;
import dev.switchboard.events.Rollout;
import dev.switchboard.rollout.RolloutState;
import dev.switchboard.schemas.VersionKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * What an ended rollout leaves in the configuration, so the provider routes the same once routers stop applying
 * the rollout: finished, the candidate is the default with all the weight and its registered model is deployed (tag
 * {@code stable}, the model deployed before it retired); rolled back or aborted, the candidate has weight 0 and the
 * baseline is the default again (seed 000's rollback). Versions stay active, so either can still take a failover.
 * Every change comes with its audit record; secrets are copied as they were, sealed, and never written out.
 */
final class RolloutSettlement {

    /** A changed version or model, and its audit record. */
    public sealed interface Change {
        ConfigChange audit();
    }

    public record VersionChange(ProviderVersion version, ConfigChange audit) implements Change {
    }

    public record ModelChange(RegisteredModel model, ConfigChange audit) implements Change {
    }

    private RolloutSettlement() {
    }

    /**
     * @param versions the provider's versions as the config topic has them
     * @param models   every registered model
     * @param at       when the rollout ended; the versions' {@code updated_at}, which routers compare with it
     */
    public static List<Change> of(final RolloutState ended, final Collection<ProviderVersion> versions,
                                  final Collection<RegisteredModel> models, final String actor, final Instant at,
                                  final String instance) {
        if (!ended.status().ended()) {
            throw new IllegalArgumentException("rollout " + ended.plan().getId() + " has not ended");
        }
        final Rollout plan = ended.plan();
        final boolean finished = ended.status() == RolloutState.Status.FINISHED;
        final String winner = finished ? plan.getCandidate() : plan.getBaseline();
        final List<Change> changes = new ArrayList<>();
        for (final ProviderVersion version : versions) {
            if (!version.getCategory().equals(plan.getCategory()) || !version.getName().equals(plan.getProvider())) {
                continue;
            }
            final String name = version.getVersion();
            final boolean isDefault = name.equals(winner);
            final int weight = name.equals(plan.getCandidate()) ? (finished ? 100 : 0)
                : name.equals(plan.getBaseline()) && finished ? 0 : version.getWeight();
            if (version.getIsDefault() == isDefault && version.getWeight() == weight) {
                continue;
            }
            final ProviderVersion settled = ProviderVersion.newBuilder(version).setIsDefault(isDefault)
                .setWeight(weight).setUpdatedAt(at).build();
            changes.add(new VersionChange(settled, audit(actor, at, finished ? "finish_rollout" : "roll_back_rollout",
                new VersionKey(plan.getCategory(), plan.getProvider(), name).toString(), describe(version), describe(settled),
                instance)));
        }
        if (finished) {
            changes.addAll(deploy(plan, models, actor, at, instance));
        }
        return changes;
    }

    /** The candidate's registered model (the newest, should there be several) becomes the deployed one. */
    private static List<Change> deploy(final Rollout plan, final Collection<RegisteredModel> models,
                                       final String actor, final Instant at, final String instance) {
        final RegisteredModel model = models.stream()
            .filter(m -> m.getCategory().equals(plan.getCategory()) && m.getProvider().equals(plan.getProvider())
                && m.getVersion().equals(plan.getCandidate()))
            .filter(m -> m.getStage() != ModelStage.RETIRED && m.getStage() != ModelStage.DEPLOYED)
            .max(Comparator.comparing(RegisteredModel::getCreatedAt)).orElse(null);
        if (model == null) {
            return List.of();
        }
        final List<Change> changes = new ArrayList<>();
        models.stream()
            .filter(other -> other.getAlgorithmName().equals(model.getAlgorithmName()))
            .filter(other -> other.getStage() == ModelStage.DEPLOYED)
            .forEach(other -> changes.add(stage(other, ModelStage.RETIRED, "retire_model", actor, at, instance)));
        changes.add(stage(model, ModelStage.DEPLOYED, "promote_model", actor, at, instance));
        return changes;
    }

    private static ModelChange stage(final RegisteredModel model, final ModelStage to, final String action,
                                     final String actor, final Instant at, final String instance) {
        final RegisteredModel moved = RegisteredModel.newBuilder(model).setStage(to).setStageChangedAt(at)
            .setStageChangedBy(actor).build();
        return new ModelChange(moved, audit(actor, at, action, model.getModelId(), model.toString(), moved.toString(),
            instance));
    }

    /** A version as audits show it: what a rollout changes, never its secrets. */
    private static String describe(final ProviderVersion version) {
        return "{\"version\":\"" + version.getVersion() + "\",\"weight\":" + version.getWeight() + ",\"is_default\":"
            + version.getIsDefault() + ",\"is_active\":" + version.getIsActive() + "}";
    }

    static ConfigChange audit(final String actor, final Instant at, final String action, final String subject,
                              final String before, final String after, final String instance) {
        return ConfigChange.newBuilder().setActor(Objects.requireNonNull(actor, "actor")).setAt(at).setAction(action)
            .setSubject(subject).setBefore(before).setAfter(after).setRouterInstance(instance).build();
    }
}
