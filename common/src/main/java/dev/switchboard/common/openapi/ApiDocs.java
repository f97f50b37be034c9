package dev.switchboard.common.openapi;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.switchboard.common.security.Operator;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * What every service's OpenAPI description shares, for each service that has springdoc: property names as the
 * answers carry them, its title and purpose ({@code switchboard.api-docs.*}), and the bearer token the APIs are
 * behind. Each service serves its own description at {@code /v3/api-docs}; the committed copies are in
 * {@code docs/openapi/}.
 */
@AutoConfiguration
@ConditionalOnClass(OpenAPI.class)
@EnableConfigurationProperties(ApiDocs.Description.class)
public class ApiDocs {

    private static final String BEARER = "bearer";

    static {
        // The caller an admin handler is given comes from its token, not from the request: no parameter to describe.
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(Operator.class);
    }

    /**
     * @param token what the bearer token is, e.g. {@code SWITCHBOARD_ADMIN_TOKEN}
     */
    @ConfigurationProperties("switchboard.api-docs")
    public record Description(String title, String description, String token) {
    }

    /**
     * springdoc reads the records through Jackson 2, which does not see the Jackson 3 {@code @JsonNaming} the
     * services name their fields with; the APIs' fields are snake_case throughout (seed 000's {@code is_active},
     * seed 001's {@code max_error_count}), so the description names them so too.
     */
    @Bean
    ModelResolver snakeCaseModels() {
        final ObjectMapper mapper = Json31.mapper().copy()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        return new ModelResolver(mapper).openapi31(true);
    }

    @Bean
    OpenAPI apiDescription(final Description description) {
        return new OpenAPI()
            .info(new Info().title(description.title()).description(description.description()).version("1"))
            .components(new Components().addSecuritySchemes(BEARER, new SecurityScheme()
                .type(SecurityScheme.Type.HTTP).scheme("bearer").description(description.token())))
            .addSecurityItem(new SecurityRequirement().addList(BEARER));
    }
}
