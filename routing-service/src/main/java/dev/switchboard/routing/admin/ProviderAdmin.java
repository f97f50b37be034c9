package dev.switchboard.routing.admin;

import dev.switchboard.events.ConfigChange;
import dev.switchboard.routing.controlplane.ConfigStore;
import dev.switchboard.routing.controlplane.ConfigWriter;
import dev.switchboard.routing.governance.GuardedChange;
import dev.switchboard.routing.table.Provider;
import dev.switchboard.routing.table.RoutingTable;
import dev.switchboard.routing.table.Secrets;
import dev.switchboard.routing.table.VersionConfig;
import dev.switchboard.schemas.VersionKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.ObjectMapper;

/**
 * The seed 000 operations on provider versions: checks each command against the current table, then writes the
 * change and its audit record as one transaction. A command that fails a check changes nothing. Operations are
 * serialized per router (with {@link ProviderPolicyAdmin}'s); two routers changing one provider at once resolve
 * last-write-wins.
 */
final class ProviderAdmin {

    /** Weights are 0-100: a promoted version carries them all. */
    private static final int FULL_WEIGHT = 100;

    private final ConfigStore store;
    private final ConfigLog configLog;
    private final ChangeGate gate;
    private final ObjectMapper json;
    private final Clock clock;
    private final String instanceId;

    ProviderAdmin(final ConfigStore store, final ConfigLog configLog, final ChangeGate gate, final ObjectMapper json,
                  final Clock clock, final String instanceId) {
        this.store = store;
        this.configLog = configLog;
        this.gate = gate;
        this.json = json;
        this.clock = clock;
        this.instanceId = instanceId;
    }

    Provider provider(final String category, final String name) {
        final RoutingTable table = store.table();
        if (table.find(category + "/" + name) instanceof RoutingTable.Lookup.Found found) {
            return found.provider();
        }
        if (table.providers().stream().noneMatch(p -> p.category().equals(category))) {
            throw AdminException.notFound("Unknown category '" + category + "': no provider is configured in it");
        }
        throw AdminException.notFound("Unknown provider '" + name + "' in category '" + category + "'");
    }

    /** Re-reads the config topics to their end before answering. */
    Provider refresh(final String category, final String name) throws InterruptedException {
        if (!store.awaitCaughtUp(Duration.ofSeconds(10))) {
            throw AdminException.conflict("The provider config topics are not readable yet; routing by the start-up "
                + "configuration. Retry once the broker is reachable.");
        }
        return provider(category, name);
    }

    synchronized VersionConfig create(final Authority who, final @Nullable VersionCommand body) {
        final VersionCommand command = Checks.body(body);
        final String name = Checks.required(command.name(), "name");
        final String version = Checks.required(command.version(), "version");
        if (name.contains("@") || version.contains("@")) {
            throw AdminException.badRequest("'name' and 'version' may not contain '@': clients pin a version as "
                + "\"model\": \"name@version\"");
        }
        // Names travel in URLs, metrics and keys: letters, digits, '.', '_' and '-' only.
        final VersionKey key = key(Checks.name(Checks.required(command.category(), "category"), "category", 64),
            Checks.name(name, "name", 64), Checks.name(version, "version", 64));
        final Optional<Provider> provider = find(key.provider());
        if (provider.flatMap(p -> p.version(key.version())).isPresent()) {
            throw AdminException.conflict("Version " + key.version() + " of " + key.provider() + " already exists");
        }
        final Instant now = clock.instant();
        final VersionConfig created = new VersionConfig(key, Objects.requireNonNullElse(command.type(), "openai"),
            command.modelName(Optional.empty()).orElse(null), command.url(Optional.empty()),
            Objects.requireNonNullElse(command.weight(), 0), !Boolean.FALSE.equals(command.isActive()),
            Boolean.TRUE.equals(command.isDefault()), command.parameters(Map.of()), command.secrets(Secrets.none()),
            now, now, command.prices(Optional.empty()));
        if (created.isDefault() && !created.active()) {
            throw AdminException.badRequest("A default version must be active: is_default true needs is_active true");
        }
        provider.ifPresent(p -> refuseProposing(p, "create it with weight 0 and not as the default, then raise its "
            + "weight or make it the default", effects(p, null, created)));
        final ConfigWriter.ChangeSet changes = configLog.changes().putVersion(created);
        if (created.isDefault()) {
            provider.flatMap(Provider::defaultVersion).ifPresent(old -> changes.putVersion(old.withDefault(false, now)));
        }
        gate.commit(who, changes.audit(audit(who.actor(), "create_version", null, created), key.provider()));
        return created;
    }

    synchronized VersionConfig update(final Authority who, final String category, final String name,
                                      final String versionName, final @Nullable VersionCommand body) {
        final VersionCommand command = Checks.body(body);
        final Provider provider = provider(category, name);
        final VersionConfig old = version(provider, versionName);
        unchanged(command.category(), category, "category");
        unchanged(command.name(), name, "name");
        unchanged(command.version(), versionName, "version");
        if (command.isDefault() != null) {
            throw AdminException.badRequest("Use PUT .../default to change the default version");
        }
        final VersionConfig updated = new VersionConfig(old.key(), Objects.requireNonNullElse(command.type(),
            old.type()), command.modelName(Optional.ofNullable(old.modelName())).orElse(null), command.url(old.url()),
            Objects.requireNonNullElse(command.weight(), old.weight()),
            Objects.requireNonNullElse(command.isActive(), old.active()), old.isDefault(),
            command.parameters(old.parameters()), command.secrets(old.secrets()), old.createdAt(), clock.instant(),
            command.prices(old.prices()));
        if (old.isDefault() && !updated.active()) {
            throw AdminException.conflict("Version " + versionName + " is the default; set another default first");
        }
        refuseProposing(provider, "change the weight with PUT .../weight and activate with POST .../activate, which "
            + "can be proposed", effects(provider, old, updated));
        gate.commit(who, configLog.changes().putVersion(updated)
            .audit(audit(who.actor(), "update_version", old, updated), old.key().provider()));
        return updated;
    }

    synchronized Provider setWeight(final Authority who, final String category, final String name,
                                    final ProviderCommands.@Nullable WeightChange body) {
        final ProviderCommands.WeightChange change = Checks.body(body);
        final Provider provider = provider(category, name);
        final VersionConfig old = version(provider, change.version());
        final VersionConfig updated = old.withWeight(change.weight(), clock.instant());
        gate.admit(who, provider, new ChangeGate.Proposed("set_weight", old.version(), change, "Set " + old.version()
            + "'s weight from " + old.weight() + " to " + updated.weight()), effects(provider, old, updated));
        gate.commit(who, configLog.changes().putVersion(updated)
            .audit(audit(who.actor(), "set_weight", old, updated), old.key().provider()));
        return provider(category, name);
    }

    synchronized Provider setDefault(final Authority who, final String category, final String name,
                                     final ProviderCommands.@Nullable DefaultChange body) {
        final Provider provider = provider(category, name);
        final VersionConfig chosen = version(provider, Checks.body(body).version());
        if (!chosen.active()) {
            throw AdminException.conflict("Version " + chosen.version() + " is inactive; activate it before making it "
                + "the default");
        }
        final Optional<String> previous = provider.defaultVersion().map(VersionConfig::version);
        if (!previous.equals(Optional.of(chosen.version()))) {
            gate.admit(who, provider, new ChangeGate.Proposed("set_default", chosen.version(),
                new ProviderCommands.DefaultChange(chosen.version()), "Make "
                + chosen.version() + " the default" + previous.map(p -> " instead of " + p).orElse("")),
                List.of(new GuardedChange.DefaultSwitch(previous, chosen.version())));
        }
        final Instant now = clock.instant();
        final ConfigWriter.ChangeSet changes = configLog.changes();
        provider.defaultVersion().filter(old -> !old.equals(chosen))
            .ifPresent(old -> changes.putVersion(old.withDefault(false, now)));
        final VersionConfig updated = chosen.withDefault(true, now);
        gate.commit(who, changes.putVersion(updated).audit(audit(who.actor(), "set_default", chosen, updated),
            provider.id()));
        return provider(category, name);
    }

    /**
     * An experiment's winner takes the provider: it becomes the default and carries every weight (the other
     * versions at 0), in one transaction, each version's change audited. The provider's change policy applies as to
     * a default switch and a weight raise: where it wants either approved, this writes the proposal instead.
     *
     * @return false when the winner had the provider already
     */
    synchronized boolean promote(final Authority who, final String providerId,
                                 final ProviderCommands.WinnerPromotion promotion) {
        final Provider provider = AdminCommon.provider(store, providerId);
        final VersionConfig winner = version(provider, promotion.version());
        final List<VersionConfig> others = provider.versions().stream()
            .filter(other -> !other.key().equals(winner.key())).toList();
        if (winner.isDefault() && winner.weight() > 0 && others.stream().allMatch(other -> other.weight() == 0)) {
            return false;
        }
        if (!winner.active()) {
            throw AdminException.conflict("Version " + promotion.version() + " is inactive; it cannot be promoted");
        }
        final int weight = Math.max(winner.weight(), FULL_WEIGHT);
        final Optional<String> previous = provider.defaultVersion().map(VersionConfig::version);
        gate.admit(who, provider, new ChangeGate.Proposed("promote_winner", promotion.version(), promotion,
            "Make " + promotion.version() + " the default with every weight: " + promotion.why()),
            List.of(new GuardedChange.DefaultSwitch(previous, promotion.version()),
                new GuardedChange.WeightRaise(promotion.version(), winner.weight(), weight)));
        final Instant now = clock.instant();
        final ConfigWriter.ChangeSet changes = configLog.changes();
        for (final VersionConfig other : others) {
            if (other.weight() != 0 || other.isDefault()) {
                final VersionConfig updated = other.withWeight(0, now).withDefault(false, now);
                changes.putVersion(updated).audit(audit(who.actor(), "promote_winner", other, updated), providerId);
            }
        }
        final VersionConfig promoted = winner.withDefault(true, now).withWeight(weight, now);
        gate.commit(who, changes.putVersion(promoted).audit(audit(who.actor(), "promote_winner", winner, promoted),
            providerId));
        return true;
    }

    synchronized VersionConfig setActive(final Authority who, final String category, final String name,
                                         final String versionName, final boolean active) {
        final Provider provider = provider(category, name);
        final VersionConfig old = version(provider, versionName);
        if (!active && old.isDefault()) {
            throw AdminException.conflict("Version " + versionName + " is the default; set another default first");
        }
        final VersionConfig updated = old.withActive(active, clock.instant());
        if (active) {
            gate.admit(who, provider, new ChangeGate.Proposed("activate_version", versionName, null, "Activate "
                + versionName), effects(provider, old, updated));
        }
        gate.commit(who, configLog.changes().putVersion(updated).audit(audit(who.actor(), active ? "activate_version"
            : "deactivate_version", old, updated), old.key().provider()));
        return updated;
    }

    synchronized void delete(final Authority who, final String category, final String name, final String versionName) {
        final Provider provider = provider(category, name);
        final VersionConfig old = version(provider, versionName);
        if (old.isDefault() && provider.versions().size() > 1) {
            throw AdminException.conflict("Version " + versionName + " is the default; set another default first");
        }
        if (provider.policy().rollout().filter(r -> r.baseline().equals(versionName)
                || r.candidate().equals(versionName)).isPresent() && provider.strategy().equals("sticky_rollout")) {
            throw AdminException.conflict("Version " + versionName + " is in the running sticky rollout; change the "
                + "strategy first");
        }
        gate.admit(who, provider, new ChangeGate.Proposed("delete_version", versionName, null, "Delete "
            + versionName), List.of(new GuardedChange.Deletion(versionName)));
        gate.commit(who, configLog.changes().deleteVersion(old.key())
            .audit(audit(who.actor(), "delete_version", old, null), old.key().provider()));
    }

    static VersionConfig version(final Provider provider, final String version) {
        return provider.version(version).orElseThrow(() -> AdminException.notFound("Unknown version '" + version
            + "' of " + provider.id() + "; its versions are "
            + provider.versions().stream().map(VersionConfig::version).toList()));
    }

    /** What the change policy judges in a change of one version, {@code before} null for a new one. */
    static List<GuardedChange> effects(final Provider provider, final @Nullable VersionConfig before,
                                       final VersionConfig after) {
        final List<GuardedChange> effects = new ArrayList<>();
        final int from = before == null ? 0 : before.weight();
        if (after.weight() > from) {
            effects.add(new GuardedChange.WeightRaise(after.version(), from, after.weight()));
        }
        if (before != null && after.active() && !before.active()) {
            effects.add(new GuardedChange.Activation(after.version()));
        }
        if (after.isDefault() && (before == null || !before.isDefault())) {
            effects.add(new GuardedChange.DefaultSwitch(provider.defaultVersion().map(VersionConfig::version),
                after.version()));
        }
        return effects;
    }

    /**
     * Creating or updating a version can carry its secrets, which a proposal must never hold: such a change is
     * refused when the policy would want it approved, saying how to make it in steps that can be proposed.
     */
    private static void refuseProposing(final Provider provider, final String instead,
                                        final List<GuardedChange> effects) {
        final List<String> reasons = provider.policy().changes().reasonsForApproval(effects);
        if (!reasons.isEmpty()) {
            throw AdminException.conflict("This change needs an approver's approval under " + provider.id()
                + "'s change policy (" + String.join("; ", reasons) + "), and a version's create or update cannot be "
                + "proposed as it may carry secrets: " + instead);
        }
    }

    /** The audit record of a change to a version, as its answers show it: secrets are never in them. */
    private ConfigChange audit(final String actor, final String action, final @Nullable VersionConfig before,
                               final @Nullable VersionConfig after) {
        final VersionConfig subject = after == null ? Objects.requireNonNull(before) : after;
        return AdminCommon.audit(actor, clock.instant(), action, subject.key().toString(),
            before == null ? null : json.writeValueAsString(AdminViews.config(before)),
            after == null ? null : json.writeValueAsString(AdminViews.config(after)), instanceId);
    }

    private Optional<Provider> find(final String id) {
        return store.table().find(id) instanceof RoutingTable.Lookup.Found found
            ? Optional.of(found.provider()) : Optional.empty();
    }

    private static void unchanged(final @Nullable String given, final String current, final String field) {
        if (given != null && !given.equals(current)) {
            throw AdminException.badRequest("'" + field + "' cannot be changed; create a new version instead");
        }
    }

    private static VersionKey key(final String category, final String name, final String version) {
        try {
            return new VersionKey(category, name, version);
        } catch (IllegalArgumentException e) {
            throw AdminException.badRequest(e.getMessage());
        }
    }
}
