package dev.switchboard.prober.web;

import dev.switchboard.common.openapi.ApiDocs;
import dev.switchboard.common.web.BindingErrors;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.oas.models.OpenAPI;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Seed 001's health API: its request bodies read strictly ({@link BindingErrors#strict}), and its OpenAPI 3.1
 * description at {@code /v3/api-docs}, committed as {@code docs/openapi/health-prober.json}.
 */
@Configuration(proxyBeanMethods = false)
class HealthApiConfiguration {

    @Bean
    JsonMapperBuilderCustomizer strictHealthCommands() {
        return BindingErrors::strict;
    }

    @Bean
    ModelResolver snakeCaseModels() {
        return ApiDocs.snakeCaseModels();
    }

    @Bean
    OpenAPI healthApi() {
        return ApiDocs.describe("Switchboard health prober",
            "Seed 001's health checks: every version's health, the check's configuration, and a forced check. "
                + "The routers relay these paths under the same names.",
            "SWITCHBOARD_ADMIN_TOKEN");
    }
}
