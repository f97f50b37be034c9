package dev.switchboard.routing.admin;

import dev.switchboard.events.AllocationState;
import dev.switchboard.events.ConfigChange;
import dev.switchboard.events.Experiment;
import dev.switchboard.events.ExperimentAllocation;
import dev.switchboard.events.ExperimentArm;
import dev.switchboard.events.ExperimentFeedback;
import dev.switchboard.events.ExperimentMode;
import dev.switchboard.events.ExperimentStatus;
import dev.switchboard.events.ProposalStatus;
import dev.switchboard.routing.controlplane.ConfigStore;
import dev.switchboard.routing.experiment.WinnerPromotion;
import dev.switchboard.routing.table.Provider;
import dev.switchboard.schemas.ExperimentSchedule;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;

/**
 * Seed 002's experiments: created, started, paused and stopped as events on {@code switchboard.experiments}, so
 * every router assigns subjects alike and stats-streams judges them with the same definition. Each change is
 * audited. Checks every field and says which one is wrong.
 */
final class ExperimentAdmin implements WinnerPromotion {

    private static final Logger log = LoggerFactory.getLogger(ExperimentAdmin.class);

    private final ConfigLog configLog;
    private final ConfigStore store;
    private final ConfigLog.Definitions<Experiment> view;
    private final ModelRegistry models;
    private final ProviderAdmin providers;
    private final ObjectMapper json;
    private final Clock clock;
    private final String instanceId;

    ExperimentAdmin(final ConfigLog configLog, final ConfigStore store, final ModelRegistry models,
                    final ProviderAdmin providers, final ObjectMapper json, final Clock clock,
                    final String instanceId) {
        this.configLog = configLog;
        this.json = json;
        this.store = store;
        this.providers = providers;
        this.view = configLog.experiments();
        this.models = models;
        this.clock = clock;
        this.instanceId = instanceId;
    }

    List<Experiment> list(final Optional<String> provider, final Optional<String> status) {
        return view.snapshot().values().stream()
            .filter(e -> provider.map(p -> p.equals(e.getCategory() + "/" + e.getProvider())).orElse(true))
            .filter(e -> status.map(s -> s.equalsIgnoreCase(e.getStatus().name())).orElse(true))
            .sorted(Comparator.comparing(Experiment::getName)).toList();
    }

    Experiment get(final String name) {
        return view.get(name).orElseThrow(() -> AdminException.notFound("No experiment named '" + name + "'"));
    }

    Experiment create(final String actor, final @Nullable ExperimentCommand body) {
        final ExperimentCommand command = Checks.body(body, ExperimentCommand.FIELDS);
        final String name = command.experimentName();
        if (view.get(name).isPresent()) {
            throw AdminException.conflict("An experiment named '" + name + "' exists already");
        }
        final Provider provider = AdminCommon.provider(store, command.provider());
        final Map<String, String> arms = versionsOf(command.allArms(), provider);
        final List<ExperimentArm> split = command.adaptive() && command.trafficSplit().isEmpty()
            ? equalSplit(arms) : split(command.trafficSplit(), arms);
        final Instant now = clock.instant();
        final Experiment experiment = Experiment.newBuilder()
            .setName(name).setCategory(provider.category()).setProvider(provider.name()).setArms(split)
            .setSuccessMetric(command.metric())
            .setMinimumDetectableEffect(command.minimumDetectableEffect())
            // An adaptive search has no power analysis: its error rate is 1 - confidence, and its power is what
            // the search finds before its maximum sample.
            .setAlpha(command.adaptive() ? 1 - command.confidence() : command.alpha())
            .setPower(command.adaptive() ? ExperimentCommand.ADAPTIVE_POWER : command.power())
            .setMinimumSample(command.minimumSample())
            .setMode(command.experimentMode())
            .setAdaptive(command.adaptiveSettings())
            .setGuardrails(command.plannedGuardrails())
            .setDurationDays(command.durationDays())
            .setStatus(ExperimentStatus.RUNNING).setSalt(UUID.randomUUID().toString()).setCreatedBy(actor)
            .setCreatedAt(now).setUpdatedAt(now).setStartedAt(now)
            .build();
        refuseASecondRunningExperiment(experiment);
        return write(actor, "create_experiment", null, experiment);
    }

    /** {@code start} (again, after a pause), {@code pause} or {@code stop}; a stopped experiment stays stopped. */
    Experiment change(final String actor, final String name, final String action) {
        final Experiment current = get(name);
        final ExperimentStatus from = current.getStatus();
        final ExperimentStatus to = switch (action) {
            case "start" -> ExperimentStatus.RUNNING;
            case "pause" -> ExperimentStatus.PAUSED;
            case "stop" -> ExperimentStatus.STOPPED;
            default -> throw AdminException.badRequest("Unknown action '" + action + "': start, pause or stop");
        };
        final boolean legal = switch (to) {
            case RUNNING -> from == ExperimentStatus.PAUSED || from == ExperimentStatus.CREATED;
            case PAUSED -> from == ExperimentStatus.RUNNING;
            case STOPPED -> from == ExperimentStatus.RUNNING || from == ExperimentStatus.PAUSED;
            default -> false;
        };
        if (!legal) {
            throw AdminException.conflict("Experiment '" + name + "' is " + status(from) + "; it cannot " + action);
        }
        final Instant now = clock.instant();
        final Experiment changed = Experiment.newBuilder(current).setStatus(to).setUpdatedAt(now)
            .setStartedAt(current.getStartedAt() == null && to == ExperimentStatus.RUNNING ? now
                : current.getStartedAt())
            .build();
        if (to == ExperimentStatus.RUNNING) {
            refuseASecondRunningExperiment(changed);
        }
        return write(actor, action + "_experiment", current, changed);
    }

    /**
     * Adds an arm to a running or paused adaptive experiment, up to its {@code maximum_arms}: the arm starts with no
     * buckets of its own (no subject moves) and gets its share of the next enrolled ones from stats-streams'
     * next decision. The statistics stay valid: their error rate was shared among that many arms from the start.
     */
    Experiment addArm(final String actor, final String name, final @Nullable ArmCommand body) {
        final ArmCommand command = Checks.body(body, "arm and version");
        final Experiment current = get(name);
        if (current.getMode() != ExperimentMode.ADAPTIVE || current.getAdaptive() == null) {
            throw AdminException.conflict("Experiment '" + name + "' splits its traffic at fixed shares; arms can be "
                + "added to adaptive experiments only");
        }
        if (current.getStatus() != ExperimentStatus.RUNNING && current.getStatus() != ExperimentStatus.PAUSED) {
            throw AdminException.conflict("Experiment '" + name + "' is " + status(current.getStatus()));
        }
        if (current.getArms().size() >= current.getAdaptive().getMaximumArms()) {
            throw AdminException.conflict("Experiment '" + name + "' has its maximum of "
                + current.getAdaptive().getMaximumArms() + " arms");
        }
        if (current.getArms().stream().anyMatch(arm -> arm.getName().equals(command.arm()))) {
            throw AdminException.conflict("Experiment '" + name + "' has an arm named '" + command.arm() + "'");
        }
        final Provider provider = AdminCommon.provider(store, current.getCategory() + "/" + current.getProvider());
        final Map<String, String> arms = new LinkedHashMap<>();
        current.getArms().forEach(arm -> arms.put(arm.getName(), arm.getVersion()));
        arms.put(command.arm(), command.version());
        final Map<String, String> versions = versionsOf(arms, provider);
        final List<ExperimentArm> withIt = new ArrayList<>(current.getArms());
        withIt.add(new ExperimentArm(command.arm(), versions.get(command.arm()), 0.0));
        final Experiment changed = Experiment.newBuilder(current).setArms(withIt).setUpdatedAt(clock.instant())
            .build();
        return write(actor, "add_experiment_arm", current, changed);
    }

    /**
     * A client's quality score for one of its requests in the experiment; stats-streams joins it to the request's
     * outcome (within a day), so it counts in the arm that served it.
     */
    ExperimentFeedback feedback(final String name, final @Nullable ScoreCommand body) {
        final Experiment experiment = get(name);
        if (experiment.getStatus() == ExperimentStatus.CREATED) {
            throw AdminException.conflict("Experiment '" + name + "' has not started");
        }
        return AdminCommon.recordScore(configLog, body, name, clock.instant(), instanceId);
    }

    /**
     * An adaptive experiment found its best arm: if it asked to promote its winner, the winner's version takes the
     * provider (default and every weight, audited as the experiment's doing) and the experiment stops. Nothing for
     * another decision, an experiment that leaves it to an operator, or one no longer running (a decision seen
     * again after a restart finds the change made).
     */
    @Override
    public void promote(final ExperimentAllocation decision) {
        if (decision.getState() != AllocationState.BEST_FOUND || decision.getWinner() == null) {
            return;
        }
        final Optional<Experiment> experiment = view.get(decision.getExperiment())
            .filter(e -> e.getStatus() == ExperimentStatus.RUNNING)
            .filter(e -> e.getAdaptive() != null && e.getAdaptive().getPromoteWinner())
            .filter(e -> !decision.getDecidedAt().isBefore(ExperimentSchedule.began(e)));
        if (experiment.isEmpty()) {
            return;
        }
        final Experiment running = experiment.get();
        final String version = running.getArms().stream().filter(arm -> arm.getName().equals(decision.getWinner()))
            .map(ExperimentArm::getVersion).findFirst().orElseThrow(() -> new IllegalStateException(
                "experiment " + running.getName() + "'s winner " + decision.getWinner() + " is none of its arms"));
        final ProviderCommands.WinnerPromotion promotion = new ProviderCommands.WinnerPromotion(running.getName(),
            version, "it won experiment " + running.getName() + " (" + decision.getReason() + ")");
        if (proposed(running, promotion)) {
            return; // the decision delivered again: its proposal waits already
        }
        apply(new Authority.Automated("experiment:" + running.getName()), running, promotion);
    }

    /** An approved proposal's promotion: the winner takes the provider, and the experiment stops. */
    void promoteApproved(final Authority.Approved who, final ProviderCommands.WinnerPromotion promotion) {
        apply(who, view.get(promotion.experimentName()).orElseThrow(() -> AdminException.conflict("Experiment '"
            + promotion.experimentName() + "' is gone; its winner cannot be promoted")), promotion);
    }

    /**
     * Makes the winner the provider's default, and stops the experiment. Where the provider's change policy wants
     * that approved, the experiment runs on until it is: its last decision sends every subject to the winner, which
     * is what the promotion would do, so nobody goes back to the old default while the proposal waits.
     */
    private void apply(final Authority who, final Experiment experiment,
                       final ProviderCommands.WinnerPromotion promotion) {
        final String provider = experiment.getCategory() + "/" + experiment.getProvider();
        try {
            providers.promote(who, provider, promotion);
        } catch (ApprovalRequired proposed) {
            log.info("Experiment {}: promoting {} on {} waits for an approver (proposal {}); every subject stays on "
                + "the winner until then", experiment.getName(), promotion.version(), provider,
                proposed.proposal().getId());
            return;
        }
        log.info("Experiment {}: promoted its winner {} on {}", experiment.getName(), promotion.version(), provider);
        models.deployWinner(who, provider, promotion.version()).ifPresent(model -> log.info(
            "Experiment {}: registered model {} is deployed (stable) now", experiment.getName(), model.getModelId()));
        if (view.get(experiment.getName()).filter(e -> e.getStatus() != ExperimentStatus.STOPPED).isPresent()) {
            change(who.actor(), experiment.getName(), "stop");
        }
    }

    /** Whether this promotion waits in a pending proposal already. */
    private boolean proposed(final Experiment experiment, final ProviderCommands.WinnerPromotion promotion) {
        return configLog.proposals().snapshot().values().stream()
            .filter(p -> p.getStatus() == ProposalStatus.PENDING && p.getAction().equals("promote_winner"))
            .filter(p -> p.getCategory().equals(experiment.getCategory())
                && p.getProvider().equals(experiment.getProvider()))
            .anyMatch(p -> json.readValue(p.getCommand(), ProviderCommands.WinnerPromotion.class).experimentName()
                .equals(promotion.experimentName()));
    }

    static String status(final ExperimentStatus status) {
        return status.name().toLowerCase(Locale.ROOT);
    }

    private Experiment write(final String actor, final String action, final Experiment before,
                             final Experiment after) {
        final String provider = after.getCategory() + "/" + after.getProvider();
        final ConfigChange audit = AdminCommon.audit(actor, after.getUpdatedAt(), action, after.getName(), before,
            after, instanceId);
        configLog.commitAndSee(configLog.changes().putExperiment(after).audit(audit, provider));
        return after;
    }

    private void refuseASecondRunningExperiment(final Experiment experiment) {
        view.snapshot().values().stream()
            .filter(other -> !other.getName().equals(experiment.getName()))
            .filter(other -> other.getStatus() == ExperimentStatus.RUNNING)
            .filter(other -> other.getCategory().equals(experiment.getCategory())
                && other.getProvider().equals(experiment.getProvider()))
            .findFirst().ifPresent(other -> {
                throw AdminException.conflict("Experiment '" + other.getName() + "' is running on "
                    + experiment.getCategory() + "/" + experiment.getProvider()
                    + " already; a subject can be in one experiment per provider. Pause or stop it first");
            });
    }

    /**
     * Each arm's provider version: an arm names a registered model (seed 002's model ids) of the provider, or one
     * of its versions directly.
     */
    private Map<String, String> versionsOf(final Map<String, String> arms, final Provider provider) {
        final Map<String, String> versions = new LinkedHashMap<>();
        arms.forEach((arm, named) -> {
            final String version = models.find(named).map(model -> {
                if (!(model.getCategory() + "/" + model.getProvider()).equals(provider.id())) {
                    throw AdminException.badRequest("'" + arm + "' names model " + named + ", which runs on "
                        + model.getCategory() + "/" + model.getProvider() + ", not " + provider.id());
                }
                return model.getVersion();
            }).orElse(named);
            if (provider.version(version).isEmpty()) {
                throw AdminException.badRequest("'" + arm + "' names '" + named + "', neither a registered model nor "
                    + "a version of " + provider.id());
            }
            versions.put(arm, version);
        });
        if (Set.copyOf(versions.values()).size() != versions.size()) {
            throw AdminException.badRequest("Each arm needs a version of its own, got " + versions);
        }
        return versions;
    }

    /** An adaptive experiment's first shares when none are given: every arm the same. */
    private static List<ExperimentArm> equalSplit(final Map<String, String> arms) {
        return arms.entrySet().stream()
            .map(arm -> new ExperimentArm(arm.getKey(), arm.getValue(), 1.0 / arms.size())).toList();
    }

    private static List<ExperimentArm> split(final Map<String, Double> split, final Map<String, String> arms) {
        if (!split.keySet().equals(arms.keySet())) {
            throw AdminException.badRequest("'traffic_split' must give a share to each arm, " + arms.keySet());
        }
        final List<ExperimentArm> result = new ArrayList<>();
        double sum = 0;
        for (final Map.Entry<String, String> arm : arms.entrySet()) {
            final Double share = split.get(arm.getKey());
            if (share == null || !(share > 0) || share > 1) {
                throw AdminException.badRequest("'traffic_split." + arm.getKey() + "' must be a number in (0, 1]");
            }
            sum += share;
            result.add(new ExperimentArm(arm.getKey(), arm.getValue(), share));
        }
        if (Math.abs(sum - 1) > 1e-6) {
            throw AdminException.badRequest("'traffic_split' must add up to 1, got " + sum);
        }
        return result;
    }
}
