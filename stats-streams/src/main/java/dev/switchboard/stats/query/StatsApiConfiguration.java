package dev.switchboard.stats.query;

import dev.switchboard.common.openapi.ApiDocs;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.oas.models.OpenAPI;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The stats API's OpenAPI 3.1 description at {@code /v3/api-docs}, committed as {@code docs/openapi/stats-streams.json}.
 * Any instance answers any query (it asks the instance that holds the key); the answers are assembled per query
 * ({@code StatsJson}), so the description gives their paths and parameters, not yet their fields.
 */
@Configuration(proxyBeanMethods = false)
class StatsApiConfiguration {

    @Bean
    ModelResolver snakeCaseModels() {
        return ApiDocs.snakeCaseModels();
    }

    @Bean
    OpenAPI statsApi() {
        return ApiDocs.describe("Switchboard stats-streams",
            "Per-version daily and per-minute statistics, shadow comparisons, experiment results and reports, and "
                + "the canary judge's view of a rollout, from the Kafka Streams stores of every instance.",
            "SWITCHBOARD_ADMIN_TOKEN");
    }
}
