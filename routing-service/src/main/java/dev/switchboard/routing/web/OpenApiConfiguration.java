package dev.switchboard.routing.web;

import dev.switchboard.common.openapi.ApiDocs;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.oas.models.OpenAPI;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The router's OpenAPI 3.1 description at {@code /v3/api-docs} (committed as {@code docs/openapi/routing-service.json}):
 * seed 000's provider admin API, experiments, rollouts, the model registry, the audit trail and the console's API.
 * The OpenAI-compatible {@code /v1} API is OpenAI's; the health and stats paths the router relays are described by
 * the prober and stats-streams.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    ModelResolver snakeCaseModels() {
        return ApiDocs.snakeCaseModels();
    }

    @Bean
    OpenAPI routerApi() {
        return ApiDocs.describe("Switchboard routing service",
            "Provider versions and their traffic split (seed 000), experiments and the model registry (seed 002), "
                + "progressive rollouts and the configuration's audit trail.",
            "SWITCHBOARD_ADMIN_TOKEN; a client key (SWITCHBOARD_CLIENT_KEYS) also posts feedback scores");
    }
}
