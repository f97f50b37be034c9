package dev.switchboard.routing.table;

import dev.switchboard.routing.governance.ChangePolicy;
import java.util.Objects;
import java.util.Optional;

/**
 * How a provider splits and fails over its traffic.
 *
 * @param strategy         name of the selection strategy (weight, health, round_robin, least_used, sticky_rollout)
 * @param rollout          the sticky rollout, required by {@code sticky_rollout}
 * @param fallbackProvider {@code category/name} tried when every version of this provider failed
 * @param maxAttempts      attempts per client request across versions and the fallback, the first included
 * @param shadow           the candidate mirrored in shadow mode, if any
 * @param changes          which changes to the provider need an approver's approval
 */
public record ProviderPolicy(String strategy, Optional<StickyRollout> rollout, Optional<String> fallbackProvider,
                             int maxAttempts, Optional<ShadowMirror> shadow, ChangePolicy changes) {

    public static final int DEFAULT_MAX_ATTEMPTS = 3;

    public ProviderPolicy {
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(rollout, "rollout");
        Objects.requireNonNull(fallbackProvider, "fallbackProvider");
        Objects.requireNonNull(shadow, "shadow");
        Objects.requireNonNull(changes, "changes");
        if (maxAttempts < 1 || maxAttempts > 10) {
            throw new IllegalArgumentException("max_attempts must be 1-10, got " + maxAttempts);
        }
    }

    /** Without shadow mode, and no change needing approval. */
    public ProviderPolicy(final String strategy, final Optional<StickyRollout> rollout,
                          final Optional<String> fallbackProvider, final int maxAttempts) {
        this(strategy, rollout, fallbackProvider, maxAttempts, Optional.empty(), ChangePolicy.NONE);
    }

    public static ProviderPolicy of(final String strategy) {
        return new ProviderPolicy(strategy, Optional.empty(), Optional.empty(), DEFAULT_MAX_ATTEMPTS);
    }

    public ProviderPolicy withShadow(final Optional<ShadowMirror> mirror) {
        return new ProviderPolicy(strategy, rollout, fallbackProvider, maxAttempts, mirror, changes);
    }

    public ProviderPolicy withChanges(final ChangePolicy policy) {
        return new ProviderPolicy(strategy, rollout, fallbackProvider, maxAttempts, shadow, policy);
    }
}
