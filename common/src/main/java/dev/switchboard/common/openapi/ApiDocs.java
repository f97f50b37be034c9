package dev.switchboard.common.openapi;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;

/**
 * What every service's OpenAPI description shares: property names as the answers carry them, and the bearer token
 * the APIs are behind. Each service serves its own description at {@code /v3/api-docs}; the committed copies are in
 * {@code docs/openapi/}.
 */
public final class ApiDocs {

    private static final String BEARER = "bearer";

    private ApiDocs() {
    }

    /**
     * springdoc reads the records through Jackson 2, which does not see the Jackson 3 {@code @JsonNaming} the
     * services name their fields with; the APIs' fields are snake_case throughout (seed 000's {@code is_active},
     * seed 001's {@code max_error_count}, OpenAI's {@code owned_by}), so the description names them so too.
     */
    public static ModelResolver snakeCaseModels() {
        final ObjectMapper mapper = Json31.mapper().copy()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        return new ModelResolver(mapper).openapi31(true);
    }

    /** The description's title and purpose, and the bearer token every operation needs. */
    public static OpenAPI describe(final String title, final String description, final String token) {
        return new OpenAPI()
            .info(new Info().title(title).description(description).version("1"))
            .components(new Components().addSecuritySchemes(BEARER, new SecurityScheme()
                .type(SecurityScheme.Type.HTTP).scheme("bearer").description(token)))
            .addSecurityItem(new SecurityRequirement().addList(BEARER));
    }
}
