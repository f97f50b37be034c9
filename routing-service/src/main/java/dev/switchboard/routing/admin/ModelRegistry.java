package dev.switchboard.routing.admin;

import dev.switchboard.events.ConfigChange;
import dev.switchboard.events.ModelStage;
import dev.switchboard.events.RegisteredModel;
import dev.switchboard.routing.controlplane.ConfigStore;
import dev.switchboard.routing.table.Provider;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import dev.switchboard.routing.governance.VersionName;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.ObjectMapper;

/**
 * Seed 002's model registry, as events on {@code switchboard.model-registry}: a model version is registered with its
 * algorithm, training parameters, offline metrics, description and author, and the provider version that serves
 * it; it moves through the stages registered, validated, canary, deployed and retired. Tags follow from the stages
 * per algorithm: {@code latest} (the newest not retired), {@code canary}, {@code stable} (the deployed one).
 * Deploying a model makes its version the provider's default and retires the model deployed before it.
 */
final class ModelRegistry {

    /** Who archives entries for their age, in the audit. */
    static final String RETENTION = "registry-retention";

    /** Where each stage may go next; retiring is always allowed, and nothing comes back from retired. */
    private static final Map<ModelStage, Set<ModelStage>> NEXT = Map.of(
        ModelStage.REGISTERED, Set.of(ModelStage.VALIDATED, ModelStage.RETIRED),
        ModelStage.VALIDATED, Set.of(ModelStage.CANARY, ModelStage.DEPLOYED, ModelStage.RETIRED),
        ModelStage.CANARY, Set.of(ModelStage.DEPLOYED, ModelStage.VALIDATED, ModelStage.RETIRED),
        ModelStage.DEPLOYED, Set.of(ModelStage.RETIRED));

    private final ConfigLog configLog;
    private final ConfigStore store;
    private final ConfigLog.Definitions<RegisteredModel> view;
    private final ProviderAdmin providers;
    private final ObjectMapper json;
    private final Clock clock;
    private final String instanceId;

    ModelRegistry(final ConfigLog configLog, final ConfigStore store, final ProviderAdmin providers,
                  final ObjectMapper json, final Clock clock, final String instanceId) {
        this.configLog = configLog;
        this.store = store;
        this.view = configLog.models();
        this.providers = providers;
        this.json = json;
        this.clock = clock;
        this.instanceId = instanceId;
    }

    synchronized RegisteredModel register(final String actor, final ModelCommands.@Nullable ModelRegistration body) {
        final ModelCommands.ModelRegistration command = Checks.body(body, ModelCommands.ModelRegistration.FIELDS);
        final String algorithm = command.algorithmName();
        final Provider provider = AdminCommon.provider(store, command.provider());
        final String version = command.version();
        if (provider.version(version).isEmpty()) {
            throw AdminException.badRequest("'version' names '" + version + "', which " + provider.id()
                + " does not have");
        }
        final Instant now = clock.instant();
        final int number = (int) view.snapshot().values().stream()
            .filter(model -> model.getAlgorithmName().equals(algorithm)).count() + 1;
        final String suffix = command.modelVersion() == null ? number + ".0"
            : command.modelVersion().replaceFirst("^v", "");
        final RegisteredModel model = RegisteredModel.newBuilder()
            .setModelId(algorithm + "_" + shortHash(algorithm + "/" + provider.id() + "/" + version + "/" + now)
                + "_v" + suffix)
            .setModelVersion(command.modelVersion()).setTags(List.copyOf(new TreeSet<>(command.tags())))
            .setAlgorithmName(algorithm).setCategory(provider.category()).setProvider(provider.name())
            .setVersion(version).setModelPath(command.modelPath())
            .setTrainingParams(json.writeValueAsString(command.trainingParams()))
            .setPerformanceMetrics(command.performanceMetrics())
            .setDescription(command.description())
            .setCreatedBy(Optional.ofNullable(command.createdBy()).orElse(actor))
            .setCreatedAt(now).setStage(ModelStage.REGISTERED).setStageChangedAt(now).setStageChangedBy(actor)
            .build();
        write(actor, "register_model", null, model);
        return model;
    }

    /**
     * Per algorithm, in the natural order of the models' versions (semver or timestamps; those without one in the
     * order registered, first); archived entries only when asked for.
     */
    List<RegisteredModel> list(final Optional<String> algorithm, final Optional<String> stage,
                               final Optional<String> tag, final boolean archived) {
        return view.snapshot().values().stream()
            .filter(model -> archived || model.getArchivedAt() == null)
            .filter(model -> algorithm.map(model.getAlgorithmName()::equals).orElse(true))
            .filter(model -> stage.map(s -> s.equalsIgnoreCase(model.getStage().name())).orElse(true))
            .filter(model -> tag.map(t -> tags(model).contains(t)).orElse(true))
            .sorted(Comparator.comparing(RegisteredModel::getAlgorithmName)
                .thenComparing(RegisteredModel::getModelVersion, Comparator.nullsFirst(VersionName.NATURAL_ORDER))
                .thenComparing(RegisteredModel::getCreatedAt).thenComparing(RegisteredModel::getModelId))
            .toList();
    }

    /** Replaces an entry's own labels; {@code stable} among them keeps it from being archived for its age. */
    synchronized RegisteredModel tag(final String actor, final String id, final ModelCommands.@Nullable Tags body) {
        final RegisteredModel model = get(id);
        final RegisteredModel tagged = RegisteredModel.newBuilder(model)
            .setTags(List.copyOf(new TreeSet<>(Checks.body(body, "tags").tags()))).build();
        write(actor, "tag_model", model, tagged);
        return tagged;
    }

    /**
     * Seed 002's retention: archives every entry registered longer than {@code retention} ago that is neither
     * deployed nor tagged {@code stable}, nor archived already.
     *
     * @return the entries archived
     */
    synchronized List<RegisteredModel> archiveOlderThan(final Duration retention) {
        final Instant now = clock.instant();
        final List<RegisteredModel> archived = view.snapshot().values().stream()
            .filter(model -> model.getArchivedAt() == null && model.getStage() != ModelStage.DEPLOYED)
            .filter(model -> !model.getTags().contains("stable"))
            .filter(model -> model.getCreatedAt().isBefore(now.minus(retention)))
            .map(model -> {
                final RegisteredModel after = RegisteredModel.newBuilder(model).setArchivedAt(now).build();
                write(RETENTION, "archive_model", model, after);
                return after;
            })
            .toList();
        return archived;
    }

    RegisteredModel get(final String id) {
        return view.get(id).orElseThrow(() -> AdminException.notFound("No model '" + id + "' in the registry"));
    }

    /** Moves a model to {@code stage}; deploying it also makes its version the provider's default. */
    synchronized RegisteredModel promote(final Authority who, final String id,
                                         final ModelCommands.@Nullable StageChange body) {
        final String actor = who.actor();
        final RegisteredModel model = get(id);
        final String wanted = Checks.body(body, "stage").stage();
        final ModelStage to;
        try {
            to = ModelStage.valueOf(wanted.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw AdminException.badRequest("'stage' must be registered, validated, canary, deployed or retired, "
                + "got '" + wanted + "'");
        }
        if (!NEXT.getOrDefault(model.getStage(), Set.of()).contains(to) || to == ModelStage.UNKNOWN) {
            throw AdminException.conflict("Model " + id + " is " + stage(model.getStage()) + "; it cannot become "
                + stage(to) + " (allowed: " + NEXT.getOrDefault(model.getStage(), Set.of()).stream()
                .map(ModelRegistry::stage).sorted().toList() + ")");
        }
        if (to == ModelStage.DEPLOYED) {
            providers.setDefault(who, model.getCategory(), model.getProvider(),
                new ProviderCommands.DefaultChange(model.getVersion()));
        }
        return move(actor, model, to);
    }

    /**
     * The registered model behind a version an experiment made the provider's default, if there is one validated or
     * in canary: it becomes its algorithm's deployed ({@code stable}) model, the one deployed before it retired.
     * The version is the default already, so the provider is not changed again.
     */
    synchronized Optional<RegisteredModel> deployWinner(final Authority who, final String providerId,
                                                        final String version) {
        return view.snapshot().values().stream()
            .filter(model -> (model.getCategory() + "/" + model.getProvider()).equals(providerId))
            .filter(model -> model.getVersion().equals(version) && model.getArchivedAt() == null)
            .filter(model -> model.getStage() == ModelStage.VALIDATED || model.getStage() == ModelStage.CANARY)
            .max(Comparator.comparing(RegisteredModel::getCreatedAt).thenComparing(RegisteredModel::getModelId))
            .map(model -> move(who.actor(), model, ModelStage.DEPLOYED));
    }

    /** Moves a model to {@code to}, audited; a deployed one retires the model its algorithm had deployed before. */
    private RegisteredModel move(final String actor, final RegisteredModel model, final ModelStage to) {
        final Instant now = clock.instant();
        if (to == ModelStage.DEPLOYED) {
            view.snapshot().values().stream()
                .filter(other -> other.getAlgorithmName().equals(model.getAlgorithmName()))
                .filter(other -> other.getStage() == ModelStage.DEPLOYED
                    && !other.getModelId().equals(model.getModelId()))
                .forEach(other -> write(actor, "retire_model", other, atStage(other, ModelStage.RETIRED, actor, now)));
        }
        final RegisteredModel moved = atStage(model, to, actor, now);
        write(actor, "promote_model", model, moved);
        return moved;
    }

    private static RegisteredModel atStage(final RegisteredModel model, final ModelStage to, final String actor,
                                           final Instant now) {
        return RegisteredModel.newBuilder(model).setStage(to).setStageChangedAt(now).setStageChangedBy(actor).build();
    }

    /** The tags of a model: its own labels, and those its stage and age among the others of its algorithm give it. */
    Set<String> tags(final RegisteredModel model) {
        final Set<String> tags = new TreeSet<>(model.getTags());
        if (model.getArchivedAt() != null) {
            tags.add("archived");
        }
        if (model.getStage() == ModelStage.CANARY) {
            tags.add("canary");
        }
        if (model.getStage() == ModelStage.DEPLOYED) {
            tags.add("stable");
        }
        view.snapshot().values().stream()
            .filter(other -> other.getAlgorithmName().equals(model.getAlgorithmName()))
            .filter(other -> other.getStage() != ModelStage.RETIRED && other.getArchivedAt() == null)
            .max(Comparator.comparing(RegisteredModel::getCreatedAt).thenComparing(RegisteredModel::getModelId))
            .filter(newest -> newest.getModelId().equals(model.getModelId()))
            .ifPresent(newest -> tags.add("latest"));
        return tags;
    }

    /** The provider version a registered model runs on, for experiments naming models. */
    Optional<RegisteredModel> find(final String id) {
        return view.get(id);
    }

    static String stage(final ModelStage stage) {
        return stage.name().toLowerCase(Locale.ROOT);
    }

    private void write(final String actor, final String action, final RegisteredModel before,
                       final RegisteredModel after) {
        final ConfigChange audit = AdminCommon.audit(actor, clock.instant(), action, after.getModelId(),
            before, after, instanceId);
        configLog.commitAndSee(configLog.changes().putModel(after)
            .audit(audit, after.getCategory() + "/" + after.getProvider()));
    }

    private static String shortHash(final String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)), 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
