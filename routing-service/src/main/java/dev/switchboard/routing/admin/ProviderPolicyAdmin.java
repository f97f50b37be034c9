package dev.switchboard.routing.admin;

import dev.switchboard.routing.controlplane.ConfigStore;
import dev.switchboard.routing.governance.ChangePolicy;
import dev.switchboard.routing.governance.GuardedChange;
import dev.switchboard.routing.table.Provider;
import dev.switchboard.routing.table.ProviderPolicy;
import dev.switchboard.routing.table.RoutingTable;
import dev.switchboard.routing.table.ShadowMirror;
import dev.switchboard.routing.table.StickyRollout;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.ObjectMapper;

/**
 * How a provider's traffic is split, beyond its versions' weights: the strategy (with a sticky rollout's split, the
 * fallback provider and the attempts per request) and seed 003's shadow mirroring. Each change is checked against
 * the table and written with its audit record; serialized with {@link ProviderAdmin}'s changes to versions.
 */
final class ProviderPolicyAdmin {

    private final ProviderAdmin versions;
    private final ConfigStore store;
    private final ConfigLog configLog;
    private final ChangeGate gate;
    private final Set<String> strategies;
    private final ObjectMapper json;
    private final Clock clock;
    private final String instanceId;

    ProviderPolicyAdmin(final ProviderAdmin versions, final ConfigStore store, final ConfigLog configLog,
                        final ChangeGate gate, final Set<String> strategies, final ObjectMapper json,
                        final Clock clock, final String instanceId) {
        this.versions = versions;
        this.store = store;
        this.configLog = configLog;
        this.gate = gate;
        this.strategies = Set.copyOf(strategies);
        this.json = json;
        this.clock = clock;
        this.instanceId = instanceId;
    }

    Provider setStrategy(final Authority who, final String category, final String name,
                         final ProviderCommands.@Nullable StrategyChange body) {
        final ProviderCommands.StrategyChange change = Checks.body(body);
        synchronized (versions) {
            final Provider provider = versions.provider(category, name);
            if (!strategies.contains(change.strategy())) {
                throw AdminException.badRequest("Unknown strategy '" + change.strategy() + "'; known strategies are "
                    + strategies.stream().sorted().toList());
            }
            final Optional<StickyRollout> rollout = change.rollout() == null ? provider.policy().rollout()
                : Optional.of(rollout(change.rollout(), provider));
            if (change.strategy().equals("sticky_rollout") && rollout.isEmpty()) {
                throw AdminException.badRequest("Strategy sticky_rollout needs 'rollout': {\"baseline\", "
                    + "\"candidate\", \"percentage\"}");
            }
            final Optional<String> fallback = change.fallbackProvider() == null ? provider.policy().fallbackProvider()
                : Optional.of(fallback(change.fallbackProvider(), provider));
            final int maxAttempts = change.maxAttempts() == null ? provider.policy().maxAttempts()
                : change.maxAttempts();
            rollout.filter(split -> change.strategy().equals("sticky_rollout")).ifPresent(split -> gate.admit(who,
                provider, new ChangeGate.Proposed("set_strategy", null, change, "Route by " + change.strategy()
                    + " with " + split.candidate() + " at " + split.percentage() + "%"),
                List.of(percentageRaise(provider.policy(), split))));
            return write(who, "set_strategy", provider, new ProviderPolicy(change.strategy(), rollout, fallback,
                maxAttempts, provider.policy().shadow(), provider.policy().changes()));
        }
    }

    Provider setShadow(final Authority who, final String category, final String name,
                       final ProviderCommands.@Nullable ShadowChange body) {
        final ProviderCommands.ShadowChange change = Checks.body(body);
        synchronized (versions) {
            final Provider provider = versions.provider(category, name);
            final Optional<ShadowMirror> mirror = change.ends() ? Optional.empty() : Optional.of(new ShadowMirror(
                ProviderAdmin.version(provider, change.candidate()).version(), change.percentage()));
            return write(who, "set_shadow", provider, provider.policy().withShadow(mirror));
        }
    }

    /** Which changes to the provider need approval; only an approver may change it (the token filter sees to it). */
    Provider setChangePolicy(final Authority who, final String category, final String name,
                             final ProviderCommands.@Nullable ChangePolicyChange body) {
        final ChangePolicy policy = Checks.body(body, "max_weight_step, approval_for, proposal_ttl_minutes").policy();
        synchronized (versions) {
            final Provider provider = versions.provider(category, name);
            return write(who, "set_change_policy", provider, provider.policy().withChanges(policy));
        }
    }

    private Provider write(final Authority who, final String action, final Provider provider,
                           final ProviderPolicy policy) {
        final Instant now = clock.instant();
        gate.commit(who, configLog.changes().putPolicy(provider.category(), provider.name(), policy, now)
            .audit(AdminCommon.audit(who.actor(), now, action, provider.id(),
                json.writeValueAsString(AdminViews.policy(provider.policy())),
                json.writeValueAsString(AdminViews.policy(policy)),
                instanceId), provider.id()));
        return versions.provider(provider.category(), provider.name());
    }

    /** A sticky split's share as the change policy judges it: from the current one's, if of the same candidate. */
    static GuardedChange.PercentageRaise percentageRaise(final ProviderPolicy current, final StickyRollout next) {
        return new GuardedChange.PercentageRaise(next.candidate(), current.rollout()
            .filter(r -> r.candidate().equals(next.candidate())).map(StickyRollout::percentage).orElse(0.0),
            next.percentage());
    }

    private static StickyRollout rollout(final ProviderCommands.RolloutSplit split, final Provider provider) {
        ProviderAdmin.version(provider, split.baseline());
        ProviderAdmin.version(provider, split.candidate());
        // Same pair, same salt: raising the percentage keeps every subject that already has the candidate.
        final String salt = provider.policy().rollout()
            .filter(r -> r.baseline().equals(split.baseline()) && r.candidate().equals(split.candidate()))
            .map(StickyRollout::salt)
            .orElseGet(() -> UUID.randomUUID().toString());
        return new StickyRollout(split.baseline(), split.candidate(), split.percentage(), salt);
    }

    private String fallback(final String id, final Provider provider) {
        if (id.equals(provider.id())) {
            throw AdminException.badRequest("A provider cannot be its own fallback");
        }
        if (!(store.table().find(id) instanceof RoutingTable.Lookup.Found) || !id.contains("/")) {
            throw AdminException.badRequest("'fallback_provider' must name a configured provider as category/name, "
                + "got '" + id + "'");
        }
        return id;
    }
}
