package dev.switchboard.common.security;

import org.springframework.boot.web.servlet.FilterRegistrationBean;

/** The admin-token guard every service puts on {@code /api/*}, answering refusals as problem details. */
public final class AdminApiFilter {

    private AdminApiFilter() {
    }

    /**
     * @param adminToken  the shared token, or blank
     * @param adminTokens the named tokens with their roles ({@code name:role:token,...}), or blank; with neither the
     *                    service refuses to start, since the API would otherwise be open
     */
    public static FilterRegistrationBean<BearerAuthFilter> registration(final String adminToken,
                                                                        final String adminTokens) {
        final var registration = new FilterRegistrationBean<>(new BearerAuthFilter(
            AdminCredentials.of(adminToken, adminTokens), "admin token"));
        registration.addUrlPatterns("/api/*");
        registration.setName("adminTokenFilter");
        return registration;
    }
}
