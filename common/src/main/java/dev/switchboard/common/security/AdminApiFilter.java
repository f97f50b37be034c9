package dev.switchboard.common.security;

import org.springframework.boot.web.servlet.FilterRegistrationBean;

/** The admin-token guard every service puts on {@code /api/*}, answering refusals as problem details. */
public final class AdminApiFilter {

    private AdminApiFilter() {
    }

    /** @param adminToken the configured token; blank refuses to start, since the API would otherwise be open */
    public static FilterRegistrationBean<BearerAuthFilter> registration(final String adminToken) {
        final BearerTokens token = BearerTokens.ofCommaSeparated(adminToken,
            "switchboard.security.admin-token (SWITCHBOARD_ADMIN_TOKEN)");
        final var registration = new FilterRegistrationBean<>(new BearerAuthFilter(token, "admin token"));
        registration.addUrlPatterns("/api/*");
        registration.setName("adminTokenFilter");
        return registration;
    }
}
