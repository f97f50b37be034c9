package dev.switchboard.common.security;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;
import tools.jackson.databind.json.JsonMapper;

/**
 * Lets a servlet request through only with an accepted bearer token, and refuses it with an RFC 9457 problem
 * detail, the shape of every {@code /api} error. Which paths it guards is the registration's business.
 */
public final class BearerAuthFilter implements Filter {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final BearerTokens tokens;
    private final String what;

    /** @param what names the token to a refused caller, e.g. {@code "admin token"} */
    public BearerAuthFilter(final BearerTokens tokens, final String what) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.what = Objects.requireNonNull(what, "what");
    }

    @Override
    public void doFilter(final ServletRequest request, final ServletResponse response, final FilterChain chain)
        throws IOException, ServletException {
        final String header = ((HttpServletRequest) request).getHeader("Authorization");
        if (tokens.accepts(header)) {
            chain.doFilter(request, response);
            return;
        }
        final HttpServletResponse answer = (HttpServletResponse) response;
        answer.setHeader("WWW-Authenticate", "Bearer");
        answer.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        answer.setContentType("application/problem+json");
        answer.getWriter().write(JSON.writeValueAsString(
            BearerTokens.unauthorizedProblem(BearerTokens.refusal(header, what))));
    }
}
