package dev.switchboard.routing;

import dev.switchboard.routing.health.HealthBoard;
import dev.switchboard.routing.outcome.OutcomeRecorder;
import dev.switchboard.routing.proxy.ChatProxy;
import dev.switchboard.routing.strategy.SelectionStrategy;
import dev.switchboard.routing.strategy.VersionSelector;
import dev.switchboard.routing.strategy.WeightedStrategy;
import dev.switchboard.routing.table.Provider;
import dev.switchboard.routing.table.RoutingTable;
import java.time.Clock;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.ObjectMapper;

/** Wires the routing core (plain Java) to its settings. */
@Configuration(proxyBeanMethods = false)
class RoutingConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    HealthBoard healthBoard() {
        return new HealthBoard();
    }

    @Bean
    WeightedStrategy weightedStrategy() {
        return new WeightedStrategy();
    }

    @Bean
    VersionSelector versionSelector(final List<SelectionStrategy> strategies, final HealthBoard health) {
        return new VersionSelector(strategies, health, new SplittableRandom());
    }

    @Bean
    Supplier<RoutingTable> routingTable(final RoutingProperties properties, final VersionSelector selector) {
        final List<Provider> providers = properties.routedProviders();
        for (final Provider provider : providers) {
            if (!selector.knows(provider.strategy())) {
                throw new IllegalArgumentException("provider " + provider.id() + " names unknown strategy '"
                    + provider.strategy() + "'");
            }
        }
        final RoutingTable table = new RoutingTable(providers);
        return () -> table;
    }

    @Bean
    ChatProxy chatProxy(final Supplier<RoutingTable> table, final VersionSelector selector,
                        final RoutingProperties properties, final OutcomeRecorder recorder, final ObjectMapper json,
                        final Clock clock) {
        return new ChatProxy(table, selector, properties.connectTimeout(), properties.responseTimeout(), recorder,
            json, clock, properties.instanceId());
    }
}
