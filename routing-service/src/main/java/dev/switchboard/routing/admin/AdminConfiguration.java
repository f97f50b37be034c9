package dev.switchboard.routing.admin;

import dev.switchboard.common.kafka.CompactedTopicView;
import dev.switchboard.events.Experiment;
import dev.switchboard.events.RegisteredModel;
import dev.switchboard.events.Rollout;
import dev.switchboard.events.RolloutDecision;
import dev.switchboard.routing.rollout.RolloutBoard;
import dev.switchboard.routing.RoutingProperties;
import dev.switchboard.routing.controlplane.ConfigStore;
import dev.switchboard.routing.controlplane.ConfigWriter;
import dev.switchboard.routing.health.HealthBoard;
import dev.switchboard.routing.table.Endpoints;
import dev.switchboard.routing.strategy.VersionSelector;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.ObjectMapper;

@Configuration(proxyBeanMethods = false)
class AdminConfiguration {

    @Bean
    AdminViews adminViews(final HealthBoard health, final Endpoints endpoints) {
        return new AdminViews(health, endpoints);
    }

    @Bean
    ProviderAdmin providerAdmin(final ConfigStore store, final ConfigWriter writer, final VersionSelector selector,
                                final ObjectMapper json, final Clock clock, final RoutingProperties routing) {
        return new ProviderAdmin(store, writer, selector.strategyNames(), json, clock, routing.instanceId());
    }

    @Bean
    ModelRegistry modelRegistry(final ConfigStore store, final ConfigWriter writer,
                                final CompactedTopicView<RegisteredModel> modelRegistryView,
                                final ProviderAdmin providerAdmin, final Clock clock, final RoutingProperties routing) {
        return new ModelRegistry(writer, store, modelRegistryView, providerAdmin, clock, routing.instanceId());
    }

    @Bean
    ExperimentAdmin experimentAdmin(final ConfigStore store, final ConfigWriter writer,
                                    final CompactedTopicView<Experiment> experimentView, final ModelRegistry models,
                                    final Clock clock, final RoutingProperties routing) {
        return new ExperimentAdmin(writer, store, experimentView, models, clock, routing.instanceId());
    }

    @Bean
    RolloutAdmin rolloutAdmin(final ConfigStore store, final ConfigWriter writer,
                              final CompactedTopicView<Rollout> rolloutView, final RolloutBoard rolloutBoard,
                              final Clock clock, final RoutingProperties routing) {
        return new RolloutAdmin(writer, store, rolloutView, rolloutBoard, clock, routing.instanceId());
    }

    @Bean
    DeclaredRollouts declaredRollouts(final RoutingProperties routing, final RolloutAdmin rolloutAdmin,
                                      final ConfigStore store, final CompactedTopicView<Rollout> rolloutView,
                                      final CompactedTopicView<RolloutDecision> rolloutDecisionView) {
        final DeclaredRollouts declared = new DeclaredRollouts(routing.rollouts(), rolloutAdmin, store, rolloutView,
            rolloutDecisionView);
        declared.start();
        return declared;
    }
}
