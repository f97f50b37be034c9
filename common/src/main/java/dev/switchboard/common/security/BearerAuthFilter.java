package dev.switchboard.common.security;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Lets a servlet request through only with an admin token whose role allows it (reads: {@code viewer}; anything
 * else: {@code operator}), and refuses it with an RFC 9457 problem detail, the shape of every {@code /api} error:
 * 401 for no or an unknown token, 403 for a role that may not. Which paths it guards is the registration's business.
 */
public final class BearerAuthFilter implements Filter {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final AdminCredentials credentials;
    private final String what;

    /** @param what names the token to a refused caller, e.g. {@code "admin token"} */
    public BearerAuthFilter(final AdminCredentials credentials, final String what) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.what = Objects.requireNonNull(what, "what");
    }

    @Override
    public void doFilter(final ServletRequest request, final ServletResponse response, final FilterChain chain)
        throws IOException, ServletException {
        final HttpServletRequest http = (HttpServletRequest) request;
        final String header = http.getHeader("Authorization");
        final Optional<Operator> operator = credentials.operator(header);
        final HttpServletResponse answer = (HttpServletResponse) response;
        if (operator.isEmpty()) {
            answer.setHeader("WWW-Authenticate", "Bearer");
            refuse(answer, HttpServletResponse.SC_UNAUTHORIZED,
                BearerTokens.unauthorizedProblem(BearerTokens.refusal(header, what)));
            return;
        }
        final Role needed = Role.neededFor(http.getMethod());
        if (!operator.get().may(needed)) {
            refuse(answer, HttpServletResponse.SC_FORBIDDEN, BearerTokens.forbiddenProblem(
                Role.refusal(operator.get(), needed, http.getMethod() + " " + http.getRequestURI())));
            return;
        }
        chain.doFilter(request, response);
    }

    private static void refuse(final HttpServletResponse answer, final int status, final Map<String, Object> problem)
        throws IOException {
        answer.setStatus(status);
        answer.setContentType("application/problem+json");
        answer.getWriter().write(JSON.writeValueAsString(problem));
    }
}
