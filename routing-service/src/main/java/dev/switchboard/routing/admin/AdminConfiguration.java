package dev.switchboard.routing.admin;

import dev.switchboard.routing.RoutingProperties;
import dev.switchboard.routing.controlplane.ConfigStore;
import dev.switchboard.routing.health.HealthBoard;
import dev.switchboard.routing.rollout.RolloutBoard;
import dev.switchboard.routing.strategy.VersionSelector;
import dev.switchboard.routing.table.Endpoints;
import java.time.Clock;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.type.LogicalType;

@Configuration(proxyBeanMethods = false)
class AdminConfiguration {

    /**
     * The admin commands are read strictly: an unknown field (a typo such as {@code wieght}) is refused rather than
     * ignored, and a value of the wrong kind is not converted ({@code "5"} is not a weight, {@code 1.5} is not a
     * whole number, {@code 5} is not a name). Only the admin API binds request bodies to classes here: the front
     * door reads its bodies as trees and passes unknown fields on.
     */
    @Bean
    JsonMapperBuilderCustomizer strictAdminCommands() {
        return builder -> builder
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .withCoercionConfig(LogicalType.Textual, text -> text
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
    }

    @Bean
    AdminViews adminViews(final HealthBoard health, final Endpoints endpoints) {
        return new AdminViews(health, endpoints);
    }

    @Bean
    ProviderAdmin providerAdmin(final ConfigStore store, final ConfigLog configLog, final ObjectMapper json,
                                final Clock clock, final RoutingProperties routing) {
        return new ProviderAdmin(store, configLog, json, clock, routing.instanceId());
    }

    @Bean
    ProviderPolicyAdmin providerPolicyAdmin(final ProviderAdmin versions, final ConfigStore store,
                                            final ConfigLog configLog, final VersionSelector selector,
                                            final ObjectMapper json, final Clock clock,
                                            final RoutingProperties routing) {
        return new ProviderPolicyAdmin(versions, store, configLog, selector.strategyNames(), json, clock,
            routing.instanceId());
    }

    @Bean
    ModelRegistry modelRegistry(final ConfigStore store, final ConfigLog configLog, final ProviderAdmin providerAdmin,
                                final ObjectMapper json, final Clock clock, final RoutingProperties routing) {
        return new ModelRegistry(configLog, store, providerAdmin, json, clock, routing.instanceId());
    }

    @Bean
    ExperimentAdmin experimentAdmin(final ConfigStore store, final ConfigLog configLog, final ModelRegistry models,
                                    final Clock clock, final RoutingProperties routing) {
        return new ExperimentAdmin(configLog, store, models, clock, routing.instanceId());
    }

    @Bean
    RolloutAdmin rolloutAdmin(final ConfigStore store, final ConfigLog configLog, final RolloutBoard rolloutBoard,
                              final Clock clock, final RoutingProperties routing) {
        return new RolloutAdmin(configLog, store, rolloutBoard, clock, routing.instanceId());
    }

    @Bean
    DeclaredRollouts declaredRollouts(final RoutingProperties routing, final RolloutAdmin rolloutAdmin,
                                      final ConfigStore store, final ConfigLog configLog) {
        final DeclaredRollouts declared = new DeclaredRollouts(routing.rollouts(), rolloutAdmin, store, configLog);
        declared.start();
        return declared;
    }
}
