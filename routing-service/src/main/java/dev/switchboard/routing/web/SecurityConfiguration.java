package dev.switchboard.routing.web;

import dev.switchboard.common.security.AdminApiFilter;
import dev.switchboard.common.security.BearerAuthFilter;
import dev.switchboard.common.security.BearerTokens;
import dev.switchboard.routing.SecurityProperties;
import dev.switchboard.routing.proxy.OpenAiErrors;
import dev.switchboard.routing.proxy.OpenAiServlet;
import dev.switchboard.routing.proxy.ProviderProxy;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.ObjectMapper;

/**
 * The front door servlet at {@code /v1/...}, guarded by client keys; the admin token guards {@code /api/*}.
 * Actuator stays open for probes.
 */
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
    ServletRegistrationBean<OpenAiServlet> openAiServlet(final ProviderProxy proxy, final ObjectMapper json) {
        final var registration = new ServletRegistrationBean<>(new OpenAiServlet(proxy, json), OpenAiServlet.PATHS);
        registration.setName("openAiFrontDoor");
        registration.setLoadOnStartup(1);
        return registration;
    }

    @Bean
    FilterRegistrationBean<BearerAuthFilter> adminTokenFilter(final SecurityProperties security) {
        return AdminApiFilter.registration(security.adminToken());
    }
}
