package dev.switchboard.routing.admin;

import dev.switchboard.common.security.Operator;
import dev.switchboard.common.security.Role;
import dev.switchboard.events.ExperimentFeedback;
import dev.switchboard.events.Rollout;
import dev.switchboard.events.RolloutAction;
import dev.switchboard.events.RolloutDecision;
import dev.switchboard.events.RolloutFailureAction;
import dev.switchboard.events.RolloutGate;
import dev.switchboard.events.RolloutGateKind;
import dev.switchboard.events.RolloutMetric;
import dev.switchboard.events.RolloutSource;
import dev.switchboard.events.RolloutStep;
import dev.switchboard.rollout.RolloutScores;
import dev.switchboard.rollout.RolloutState;
import dev.switchboard.routing.controlplane.ConfigStore;
import dev.switchboard.routing.controlplane.ConfigWriter;
import dev.switchboard.routing.governance.GuardedChange;
import dev.switchboard.routing.rollout.RolloutBoard;
import dev.switchboard.routing.table.Provider;
import dev.switchboard.routing.table.VersionConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Progressive rollouts: a plan is written to {@code switchboard.rollouts}; every change of its state afterwards, the
 * canary judge's and an operator's alike, is a decision on {@code switchboard.rollout-decisions} naming the revision it
 * was taken on. Routers and stats-streams fold the two the same way, so an operator's pause racing the judge's promote
 * ends with exactly one of them applied, everywhere; this API says which.
 */
final class RolloutAdmin {

    /** Seed 000's procedure: a tenth, then half, each watched for five minutes, then everyone. */
    static final List<RolloutStep> DEFAULT_STEPS = List.of(new RolloutStep(10.0, 300L, 500L),
        new RolloutStep(50.0, 300L, 1000L));
    /** No more than a point more errors, and a p95 no more than 250 ms slower, than the baseline. */
    static final List<RolloutGate> DEFAULT_GATES = List.of(
        new RolloutGate(RolloutMetric.ERROR_RATE, RolloutGateKind.VS_BASELINE, 0.01),
        new RolloutGate(RolloutMetric.LATENCY_P95, RolloutGateKind.VS_BASELINE, 250.0));
    private static final Duration READ_BACK = Duration.ofSeconds(5);
    /** Who declares a rollout in the deployment's configuration. */
    private static final Operator CONFIGURATION = new Operator("configuration", Role.OPERATOR, false);

    private final ConfigLog configLog;
    private final ConfigStore store;
    private final RolloutBoard board;
    private final ChangeGate gate;
    private final Clock clock;
    private final String instanceId;

    RolloutAdmin(final ConfigLog configLog, final ConfigStore store, final RolloutBoard board, final ChangeGate gate,
                 final Clock clock, final String instanceId) {
        this.configLog = configLog;
        this.store = store;
        this.board = board;
        this.gate = gate;
        this.clock = clock;
        this.instanceId = instanceId;
    }

    List<RolloutBoard.Entry> list(final Optional<String> provider, final Optional<String> status) {
        return board.all().stream()
            .filter(e -> provider.map(p -> p.equals(e.state().provider())).orElse(true))
            .filter(e -> status.map(s -> s.equalsIgnoreCase(e.state().status().name())).orElse(true))
            .toList();
    }

    RolloutBoard.Entry get(final String id) {
        return board.get(id).orElseThrow(() -> AdminException.notFound("No rollout '" + id + "'"));
    }

    /** {@code POST /api/rollouts}: checks every field, refuses a second rollout on the provider, writes the plan. */
    synchronized RolloutBoard.Entry create(final Authority who, final @Nullable RolloutCommand body) {
        final RolloutCommand command = Checks.body(body, RolloutCommand.FIELDS);
        final Provider provider = AdminCommon.provider(store, command.provider());
        final String candidate = command.candidate();
        final String baseline = Optional.ofNullable(command.baseline())
            .orElseGet(() -> defaultOf(provider, "'baseline' is required: " + provider.id() + " has no default version"));
        final String id = Optional.ofNullable(command.rolloutId())
            .orElseGet(() -> provider.name() + "-" + candidate + "-" + UUID.randomUUID().toString().substring(0, 8));
        final Rollout plan = Rollout.newBuilder()
            .setId(id).setCategory(provider.category()).setProvider(provider.name())
            .setBaseline(baseline).setCandidate(candidate)
            .setSteps(command.plannedSteps())
            .setGates(command.plannedGates())
            .setOnFailure(command.failureAction())
            .setSalt(UUID.randomUUID().toString()).setDeclaredIn(RolloutSource.API)
            .setCreatedBy(who.actor()).setCreatedAt(clock.instant())
            .build();
        checkStart(plan, provider);
        gate.admit(who, provider, new ChangeGate.Proposed("create_rollout", id, command, "Roll " + candidate
            + " out from " + baseline + " (rollout " + id + ")"), List.of(new GuardedChange.RolloutStart(candidate)));
        return start(who, plan, provider);
    }

    /**
     * A rollout declared in configuration (seed 003's environment variables): the candidate starts at
     * {@code percentage} and goes on through the default steps above it. Its id follows from the provider and the
     * candidate, so every router (and every restart) declares the same one, and it is written only if no rollout of
     * that id exists yet.
     *
     * @return the rollout, whether written now or found
     */
    synchronized RolloutBoard.Entry declare(final String providerId, final String candidate, final double percentage) {
        final Provider provider = AdminCommon.provider(store, providerId);
        final String id = "config-" + provider.category() + "-" + provider.name() + "-" + candidate;
        final Optional<RolloutBoard.Entry> existing = board.get(id);
        if (existing.isPresent()) {
            return existing.get();
        }
        final List<RolloutStep> steps = new ArrayList<>();
        steps.add(new RolloutStep(percentage, DEFAULT_STEPS.get(0).getMinimumDurationSeconds(),
            DEFAULT_STEPS.get(0).getMinimumSample()));
        DEFAULT_STEPS.stream().filter(step -> step.getPercentage() > percentage).forEach(steps::add);
        final String baseline = defaultOf(provider, provider.id() + " has no default version to roll out from");
        final Rollout plan = Rollout.newBuilder()
            .setId(id).setCategory(provider.category()).setProvider(provider.name())
            .setBaseline(baseline).setCandidate(candidate).setSteps(steps).setGates(DEFAULT_GATES)
            .setOnFailure(RolloutFailureAction.ROLL_BACK).setSalt(UUID.randomUUID().toString())
            .setDeclaredIn(RolloutSource.CONFIGURATION).setCreatedBy("configuration").setCreatedAt(clock.instant())
            .build();
        checkStart(plan, provider);
        // Declared in the deployment's own configuration, which is reviewed where it is kept: no proposal.
        return start(Authority.of(CONFIGURATION), plan, provider);
    }

    /**
     * {@code pause}, {@code resume}, {@code abort} or {@code promote}, as a decision on the rollout's current revision.
     * Waits until this router has read it back and says whether it applied.
     */
    RolloutBoard.Entry act(final Authority who, final String id, final String action, final String reason) {
        final RolloutState state = get(id).state();
        final RolloutAction decided = switch (action) {
            case "pause" -> RolloutAction.PAUSE;
            case "resume" -> RolloutAction.RESUME;
            case "abort" -> RolloutAction.ABORT;
            case "promote" -> RolloutAction.PROMOTE;
            default -> throw AdminException.badRequest("Unknown action '" + action
                + "': pause, resume, abort or promote");
        };
        final boolean legal = !state.status().ended() && switch (decided) {
            case PAUSE -> state.status() == RolloutState.Status.RUNNING;
            case RESUME -> state.status() == RolloutState.Status.PAUSED;
            default -> true;
        };
        if (!legal) {
            throw AdminException.conflict("Rollout '" + id + "' is " + status(state.status()) + "; it cannot " + action);
        }
        if (decided == RolloutAction.PROMOTE) {
            gate.admit(who, AdminCommon.provider(store, state.provider()), new ChangeGate.Proposed("promote_rollout",
                id, new RolloutAdminController.DecisionReason(reason), "Promote rollout " + id + " by hand"),
                List.of(new GuardedChange.RolloutPromotion(id)));
        }
        final RolloutDecision decision = RolloutDecision.newBuilder()
            .setDecisionId(UUID.randomUUID().toString()).setRolloutId(id).setRevision(state.revision())
            .setStep(state.step()).setAction(decided)
            .setReason(reason == null || reason.isBlank() ? action + " by an operator" : reason)
            .setDecidedBy(who.actor()).setDecidedAt(clock.instant()).setEvidence(null).setFailedGate(null)
            .build();
        gate.commit(who, configLog.changes().putRolloutDecision(decision));
        final Optional<Boolean> applied;
        try {
            applied = board.awaitDecision(decision.getDecisionId(), READ_BACK);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw AdminException.unavailable("Interrupted before the decision was read back; see GET /api/rollouts/"
                + id);
        }
        if (applied.isEmpty()) {
            throw AdminException.unavailable("The decision was written but not read back within " + READ_BACK.toSeconds()
                + " s; see GET /api/rollouts/" + id + " for whether it applied");
        }
        if (!applied.get()) {
            throw AdminException.conflict("Rollout '" + id + "' changed before this " + action + " was read (now "
                + status(get(id).state().status()) + " at revision " + get(id).state().revision()
                + "); nothing was done by it. Look again and decide on the current state");
        }
        return get(id);
    }

    /**
     * A client's quality score for one of its requests served during the rollout (by either version), for the
     * quality-score gates: stats-streams joins it to the request's outcome (within a day) and counts it for the version
     * that served it. It travels with the experiments' scores, naming the rollout as {@code rollout:{id}}.
     */
    ExperimentFeedback feedback(final String id, final @Nullable ScoreCommand body) {
        get(id);
        return AdminCommon.recordScore(configLog, body, RolloutScores.scoreOf(id), clock.instant(), instanceId);
    }

    static String status(final RolloutState.Status status) {
        return status.name().toLowerCase(Locale.ROOT);
    }

    /** The provider's default version: the baseline unless a plan names another. */
    private static String defaultOf(final Provider provider, final String otherwise) {
        return provider.defaultVersion().map(VersionConfig::version)
            .orElseThrow(() -> AdminException.badRequest(otherwise));
    }

    private void checkStart(final Rollout plan, final Provider provider) {
        if (board.get(plan.getId()).isPresent()) {
            throw AdminException.conflict("A rollout '" + plan.getId() + "' exists already");
        }
        if (plan.getBaseline().equals(plan.getCandidate())) {
            throw AdminException.badRequest("'baseline' and 'candidate' must be two versions, got "
                + plan.getCandidate() + " twice");
        }
        for (final String version : List.of(plan.getBaseline(), plan.getCandidate())) {
            final VersionConfig config = provider.version(version).orElseThrow(() -> AdminException.badRequest("'"
                + version + "' is not a version of " + provider.id()));
            if (!config.active()) {
                throw AdminException.badRequest("Version " + version + " of " + provider.id() + " is inactive");
            }
        }
        board.latest(provider.id()).ifPresent(other -> {
            if (!other.state().status().ended()) {
                throw AdminException.conflict("Rollout '" + other.state().plan().getId() + "' is "
                    + status(other.state().status()) + " on " + provider.id() + "; finish or abort it first");
            }
            if (board.routing(provider.id(), provider::version)
                .isPresent()) {
                throw AdminException.conflict("Rollout '" + other.state().plan().getId() + "' has just "
                    + (other.state().status() == RolloutState.Status.FINISHED ? "finished" : "ended")
                    + " and the provider's configuration is being settled (default and weights); retry in a moment");
            }
        });
    }

    private RolloutBoard.Entry start(final Authority who, final Rollout plan, final Provider provider) {
        final ConfigWriter.ChangeSet changes = configLog.changes().putRollout(plan).audit(AdminCommon.audit(who.actor(),
            plan.getCreatedAt(), "create_rollout", plan.getId(), null, plan, instanceId), provider.id());
        if (who instanceof Authority.Approved) {
            gate.commit(who, changes);
        } else {
            configLog.commitAndSee(changes);
        }
        return board.get(plan.getId()).orElseThrow(() -> AdminException.unavailable("The rollout was written but this "
            + "router has not read it back yet; see GET /api/rollouts/" + plan.getId()));
    }
}
