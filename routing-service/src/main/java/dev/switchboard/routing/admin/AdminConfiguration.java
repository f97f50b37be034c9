package dev.switchboard.routing.admin;

import dev.switchboard.common.web.BindingErrors;
import dev.switchboard.routing.RoutingProperties;
import dev.switchboard.routing.controlplane.AuditTrail;
import dev.switchboard.routing.controlplane.ConfigEvents;
import dev.switchboard.routing.controlplane.ConfigStore;
import dev.switchboard.routing.health.HealthBoard;
import dev.switchboard.routing.rollout.RolloutBoard;
import dev.switchboard.routing.strategy.VersionSelector;
import dev.switchboard.routing.table.Endpoints;
import java.time.Clock;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.ObjectMapper;

@Configuration(proxyBeanMethods = false)
class AdminConfiguration {

    /**
     * The admin commands are read strictly ({@link BindingErrors#strict}). Only the admin API binds request bodies to
     * classes here: the front door reads its bodies as trees and passes unknown fields on.
     */
    @Bean
    JsonMapperBuilderCustomizer strictAdminCommands() {
        return BindingErrors::strict;
    }

    @Bean
    AdminViews adminViews(final HealthBoard health, final Endpoints endpoints) {
        return new AdminViews(health, endpoints);
    }

    @Bean
    ChangeGate changeGate(final ConfigStore store, final ConfigLog configLog, final ObjectMapper json,
                          final Clock clock, final RoutingProperties routing) {
        return new ChangeGate(store, configLog, json, clock, routing.instanceId());
    }

    @Bean
    ProviderAdmin providerAdmin(final ConfigStore store, final ConfigLog configLog, final ChangeGate gate,
                                final ObjectMapper json, final Clock clock, final RoutingProperties routing) {
        return new ProviderAdmin(store, configLog, gate, json, clock, routing.instanceId());
    }

    @Bean
    ProviderPolicyAdmin providerPolicyAdmin(final ProviderAdmin versions, final ConfigStore store,
                                            final ConfigLog configLog, final ChangeGate gate,
                                            final VersionSelector selector, final ObjectMapper json,
                                            final Clock clock, final RoutingProperties routing) {
        return new ProviderPolicyAdmin(versions, store, configLog, gate, selector.strategyNames(), json, clock,
            routing.instanceId());
    }

    @Bean
    ProviderHistory providerHistory(final ProviderAdmin providers, final ConfigStore store, final ConfigLog configLog,
                                    final ConfigEvents events, final AuditTrail trail, final RolloutBoard rollouts,
                                    final ChangeGate gate, final ObjectMapper json, final Clock clock,
                                    final RoutingProperties routing) {
        return new ProviderHistory(providers, store, configLog, events, trail, rollouts, gate, json, clock,
            routing.instanceId());
    }

    @Bean
    ProposalAdmin proposalAdmin(final ConfigLog configLog, final ChangeGate gate, final ProviderAdmin providers,
                                final ProviderPolicyAdmin policies, final ProviderHistory history,
                                final RolloutAdmin rollouts, final ExperimentAdmin experiments,
                                final ObjectMapper json, final Clock clock, final RoutingProperties routing) {
        return new ProposalAdmin(configLog, gate, providers, policies, history, rollouts, experiments, json, clock,
            routing.instanceId());
    }

    @Bean
    ModelRegistry modelRegistry(final ConfigStore store, final ConfigLog configLog, final ProviderAdmin providerAdmin,
                                final ObjectMapper json, final Clock clock, final RoutingProperties routing) {
        return new ModelRegistry(configLog, store, providerAdmin, json, clock, routing.instanceId());
    }

    @Bean(destroyMethod = "close")
    RegistryRetention registryRetention(final ModelRegistry registry, final RoutingProperties routing) {
        return new RegistryRetention(registry, routing.registry()).start();
    }

    @Bean
    ExperimentAdmin experimentAdmin(final ConfigStore store, final ConfigLog configLog, final ModelRegistry models,
                                    final ProviderAdmin providers, final ObjectMapper json, final Clock clock,
                                    final RoutingProperties routing) {
        return new ExperimentAdmin(configLog, store, models, providers, json, clock, routing.instanceId());
    }

    @Bean
    RolloutAdmin rolloutAdmin(final ConfigStore store, final ConfigLog configLog, final RolloutBoard rolloutBoard,
                              final ChangeGate gate, final Clock clock, final RoutingProperties routing) {
        return new RolloutAdmin(configLog, store, rolloutBoard, gate, clock, routing.instanceId());
    }

    @Bean
    AlertAdmin alertAdmin(final ConfigStore store, final ConfigLog configLog, final ConfigEvents events,
                          final Clock clock, final RoutingProperties routing) {
        return new AlertAdmin(configLog, store, events, clock, routing.instanceId());
    }

    @Bean
    DeclaredRollouts declaredRollouts(final RoutingProperties routing, final RolloutAdmin rolloutAdmin,
                                      final ConfigStore store, final ConfigLog configLog) {
        final DeclaredRollouts declared = new DeclaredRollouts(routing.rollouts(), rolloutAdmin, store, configLog);
        declared.start();
        return declared;
    }
}
