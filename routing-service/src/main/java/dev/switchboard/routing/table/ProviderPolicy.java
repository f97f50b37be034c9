package dev.switchboard.routing.table;

import java.util.Objects;
import java.util.Optional;

/**
 * How a provider splits and fails over its traffic.
 *
 * @param strategy         name of the selection strategy (weight, health, round_robin, least_used, sticky_rollout)
 * @param rollout          the sticky rollout, required by {@code sticky_rollout}
 * @param fallbackProvider {@code category/name} tried when every version of this provider failed
 * @param maxAttempts      attempts per client request across versions and the fallback, the first included
 */
public record ProviderPolicy(String strategy, Optional<StickyRollout> rollout, Optional<String> fallbackProvider,
                             int maxAttempts) {

    public static final int DEFAULT_MAX_ATTEMPTS = 3;

    public ProviderPolicy {
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(rollout, "rollout");
        Objects.requireNonNull(fallbackProvider, "fallbackProvider");
        if (maxAttempts < 1 || maxAttempts > 10) {
            throw new IllegalArgumentException("max_attempts must be 1-10, got " + maxAttempts);
        }
    }

    public static ProviderPolicy of(final String strategy) {
        return new ProviderPolicy(strategy, Optional.empty(), Optional.empty(), DEFAULT_MAX_ATTEMPTS);
    }
}
