package dev.switchboard.routing.strategy;

import dev.switchboard.events.SelectionReason;
import dev.switchboard.routing.health.HealthBoard;
import dev.switchboard.routing.table.Provider;
import dev.switchboard.routing.table.VersionConfig;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * Chooses the version for one request: only active versions not reported unhealthy are considered; the
 * provider's strategy picks among them; when it picks none (every weight 0) the default version answers if it
 * may take traffic.
 */
public final class VersionSelector {

    private final Map<String, SelectionStrategy> strategies;
    private final HealthBoard health;
    private final RandomGenerator random;

    public VersionSelector(final Collection<SelectionStrategy> strategies, final HealthBoard health,
                           final RandomGenerator random) {
        this.strategies = strategies.stream().collect(Collectors.toUnmodifiableMap(SelectionStrategy::name,
            Function.identity()));
        this.health = Objects.requireNonNull(health, "health");
        this.random = Objects.requireNonNull(random, "random");
    }

    public boolean knows(final String strategy) {
        return strategies.containsKey(strategy);
    }

    public Selection select(final Provider provider) {
        final SelectionStrategy strategy = strategies.get(provider.strategy());
        if (strategy == null) {
            throw new IllegalStateException("provider " + provider.id() + " uses unknown strategy '"
                + provider.strategy() + "'; known: " + strategies.keySet());
        }
        final List<VersionConfig> routable = provider.versions().stream()
            .filter(VersionConfig::active)
            .filter(v -> health.isRoutable(v.key()))
            .toList();
        if (routable.isEmpty()) {
            return new Selection.NoneRoutable("No active, healthy version of " + provider.id() + " can take requests");
        }
        return strategy.choose(routable, random)
            .<Selection>map(v -> new Selection.Chosen(v, strategy.reason()))
            .or(() -> provider.defaultVersion().filter(routable::contains)
                .map(v -> new Selection.Chosen(v, SelectionReason.DEFAULT)))
            .orElseGet(() -> new Selection.NoneRoutable("Every routable version of " + provider.id()
                + " has weight 0 and the default version cannot take requests"));
    }
}
