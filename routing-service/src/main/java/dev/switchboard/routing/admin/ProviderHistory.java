package dev.switchboard.routing.admin;

import dev.switchboard.events.ConfigChange;
import dev.switchboard.events.ProviderSnapshot;
import dev.switchboard.routing.controlplane.AuditTrail;
import dev.switchboard.routing.controlplane.ConfigEvents;
import dev.switchboard.routing.controlplane.ConfigStore;
import dev.switchboard.routing.controlplane.ConfigWriter;
import dev.switchboard.routing.governance.GuardedChange;
import dev.switchboard.routing.rollout.RolloutBoard;
import dev.switchboard.routing.table.Provider;
import dev.switchboard.routing.table.ProviderPolicy;
import dev.switchboard.routing.table.VersionConfig;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A provider's configuration history and its restore. Every change to a provider's versions or settings is in the
 * audit topic with the provider's whole configuration after it (its snapshot), so the history is read from there,
 * and a restore brings a snapshot back as one new change: versions (weights, default, activity, parameters and
 * secrets), strategy, sticky split, fallback, attempts and shadow mode. The change policy in force stays: a restore
 * passes through it like any change.
 */
final class ProviderHistory {

    /**
     * {@code POST .../restore}: to the provider's configuration as it was at {@code at}, or just after the change
     * {@code change_id}; exactly one of the two.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record RestoreCommand(@Nullable Instant at, @Nullable String changeId) {
    }

    private final ProviderAdmin providers;
    private final ConfigStore store;
    private final ConfigLog configLog;
    private final ConfigEvents events;
    private final AuditTrail trail;
    private final RolloutBoard rollouts;
    private final ChangeGate gate;
    private final ObjectMapper json;
    private final Clock clock;
    private final String instanceId;

    ProviderHistory(final ProviderAdmin providers, final ConfigStore store, final ConfigLog configLog,
                    final ConfigEvents events, final AuditTrail trail, final RolloutBoard rollouts,
                    final ChangeGate gate, final ObjectMapper json, final Clock clock, final String instanceId) {
        this.providers = providers;
        this.store = store;
        this.configLog = configLog;
        this.events = events;
        this.trail = trail;
        this.rollouts = rollouts;
        this.gate = gate;
        this.json = json;
        this.clock = clock;
        this.instanceId = instanceId;
    }

    /** The provider's changes, newest first; {@code undecodable} counts audit records that could not be read. */
    AuditTrail.Found history(final String category, final String name, final int limit) {
        final String id = providers.provider(category, name).id();
        return trail.all(limit, change -> ofProvider(change, id));
    }

    Provider restore(final Authority who, final String category, final String name,
                     final @Nullable RestoreCommand body) {
        final RestoreCommand command = Checks.body(body, "at (a time) or change_id");
        if ((command.at() == null) == (command.changeId() == null)) {
            throw AdminException.badRequest("Give exactly one of 'at' (a time, e.g. 2026-12-06T10:00:00Z) and "
                + "'change_id' (from GET .../history)");
        }
        synchronized (providers) {
            final Provider provider = providers.provider(category, name);
            refuseDuringRollout(provider);
            final ConfigChange point = point(provider.id(), command);
            final ProviderSnapshot snapshot = point.getSnapshot();
            final Instant now = clock.instant();
            final List<VersionConfig> wanted = snapshot.getVersions().stream().map(events::toVersion)
                .map(v -> v.withTimes(v.createdAt(), now))
                .toList();
            final ProviderPolicy current = configuredPolicy(provider);
            final ProviderPolicy restored = (snapshot.getSettings() == null ? ProviderPolicy.of("weight")
                : ConfigEvents.toPolicy(snapshot.getSettings())).withChanges(current.changes());
            final String label = "change " + point.getChangeId() + " (" + point.getAt() + ")";
            gate.admit(who, provider, new ChangeGate.Proposed("restore", null, command, "Restore "
                + provider.id() + " to its configuration after " + label), effects(provider, current, wanted,
                restored, label));
            final ConfigWriter.ChangeSet changes = configLog.changes();
            wanted.forEach(changes::putVersion);
            final Map<String, VersionConfig> byName = wanted.stream()
                .collect(Collectors.toMap(VersionConfig::version, Function.identity()));
            provider.versions().stream().filter(v -> !byName.containsKey(v.version()))
                .forEach(v -> changes.deleteVersion(v.key()));
            changes.putPolicy(provider.category(), provider.name(), restored, now);
            final ConfigChange audit = AdminCommon.audit(who.actor(), now, "restore", provider.id(),
                json.writeValueAsString(state(current, provider.versions())),
                json.writeValueAsString(state(restored, wanted)), instanceId);
            gate.commit(who, changes.audit(audit, provider.id()));
            return providers.provider(category, name);
        }
    }

    /**
     * The snapshot to go back to: the change named, or the last change at or before the time given. A time is
     * refused when a change after that snapshot and before it carries no snapshot (a rollout's settlement by
     * stats-streams, or a change written before history was recorded): the configuration then is not known whole.
     */
    private ConfigChange point(final String providerId, final RestoreCommand command) {
        final List<ConfigChange> changes = trail.all(Integer.MAX_VALUE, change -> ofProvider(change, providerId))
            .changes();
        if (command.changeId() != null) {
            return changes.stream().filter(c -> command.changeId().equals(c.getChangeId()) && c.getSnapshot() != null)
                .findFirst()
                .orElseThrow(() -> AdminException.notFound("No change '" + command.changeId() + "' of " + providerId
                    + " carries its configuration; GET .../history lists the changes that do (restorable)"));
        }
        // Newest first: the first recorded one at or before the time, and what came between it and the time.
        final List<ConfigChange> upTo = changes.stream().filter(c -> !c.getAt().isAfter(command.at())).toList();
        for (final ConfigChange change : upTo) {
            if (change.getSnapshot() != null) {
                return change;
            }
            if (changesConfiguration(change)) {
                throw AdminException.conflict("The configuration of " + providerId + " at " + command.at()
                    + " is not recorded whole: " + change.getAction() + " by " + change.getActor() + " at "
                    + change.getAt() + " changed it without a snapshot. Restore to a change_id from GET .../history "
                    + "(restorable), or to a time before it");
            }
        }
        throw AdminException.conflict("No configuration of " + providerId + " is recorded at " + command.at()
            + changes.stream().filter(c -> c.getSnapshot() != null).map(ConfigChange::getAt)
            .min(Comparator.naturalOrder()).map(first -> "; its recorded history begins at " + first)
            .orElse("; it has no recorded history yet"));
    }

    /** Whether an audit record stands for a change of versions or settings (not a proposal's step). */
    private static boolean changesConfiguration(final ConfigChange change) {
        return !change.getAction().startsWith("propose_") && !change.getAction().endsWith("_proposal");
    }

    private void refuseDuringRollout(final Provider provider) {
        rollouts.latest(provider.id()).filter(entry -> !entry.state().status().ended()).ifPresent(entry -> {
            throw AdminException.conflict("Rollout '" + entry.state().plan().getId() + "' is running on "
                + provider.id() + "; finish or abort it before restoring an earlier configuration");
        });
    }

    /** The provider's own policy, without the split a running rollout lays over it. */
    private ProviderPolicy configuredPolicy(final Provider provider) {
        final ProviderSnapshot configured = store.configured(provider.id());
        return configured.getSettings() == null ? provider.policy() : ConfigEvents.toPolicy(configured.getSettings());
    }

    /** What the policy judges in a restore: it is a restore, and each weight raised, default moved, ... by it. */
    private static List<GuardedChange> effects(final Provider provider, final ProviderPolicy current,
                                               final List<VersionConfig> wanted, final ProviderPolicy restored,
                                               final String label) {
        final List<GuardedChange> effects = new ArrayList<>();
        effects.add(new GuardedChange.Restore(label));
        for (final VersionConfig target : wanted) {
            final Optional<VersionConfig> now = provider.version(target.version());
            effects.addAll(ProviderAdmin.effects(provider, now.orElse(null), target));
            if (now.isEmpty() && target.active()) {
                // A deleted version brought back into rotation is an activation too.
                effects.add(new GuardedChange.Activation(target.version()));
            }
        }
        provider.versions().stream().filter(v -> wanted.stream().noneMatch(w -> w.version().equals(v.version())))
            .forEach(v -> effects.add(new GuardedChange.Deletion(v.version())));
        restored.rollout().ifPresent(split -> effects.add(ProviderPolicyAdmin.percentageRaise(current, split)));
        return effects;
    }

    /** A provider's whole configuration as the audit records it: settings and every version, secrets masked. */
    private static Map<String, Object> state(final ProviderPolicy policy, final List<VersionConfig> versions) {
        final Map<String, Object> state = new LinkedHashMap<>();
        state.put("policy", AdminViews.policy(policy));
        state.put("versions", versions.stream().map(AdminViews::config).toList());
        return state;
    }

    private static boolean ofProvider(final ConfigChange change, final String providerId) {
        return change.getSubject().equals(providerId) || change.getSubject().startsWith(providerId + "/");
    }
}
