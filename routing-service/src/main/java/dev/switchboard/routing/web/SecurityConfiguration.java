package dev.switchboard.routing.web;

import dev.switchboard.common.security.AdminApiFilter;
import dev.switchboard.common.security.BearerAuthFilter;
import dev.switchboard.common.security.BearerTokens;
import dev.switchboard.routing.SecurityProperties;
import dev.switchboard.routing.proxy.OpenAiErrors;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.ObjectMapper;

/** Client keys guard {@code /v1/*}; the admin token guards {@code /api/*}. Actuator stays open for probes. */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    @Bean
    FilterRegistrationBean<BearerAuthFilter> clientKeyFilter(final SecurityProperties security,
                                                             final ObjectMapper json) {
        final BearerTokens keys = BearerTokens.ofCommaSeparated(security.clientKeys(),
            "switchboard.security.client-keys (SWITCHBOARD_CLIENT_KEYS)");
        final var registration = new FilterRegistrationBean<>(new BearerAuthFilter(keys, "client key",
            (response, message) -> OpenAiErrors.writeUnauthorized(response, message, json)));
        registration.addUrlPatterns("/v1/*");
        registration.setName("clientKeyFilter");
        return registration;
    }

    @Bean
    FilterRegistrationBean<BearerAuthFilter> adminTokenFilter(final SecurityProperties security) {
        return AdminApiFilter.registration(security.adminToken());
    }
}
