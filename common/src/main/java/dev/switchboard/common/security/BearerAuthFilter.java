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
 * Lets a request through only with an accepted bearer token. Which paths it guards is the registration's
 * business; how a refusal is written (OpenAI's error shape or a problem detail) is the {@link Refusal}'s.
 */
public final class BearerAuthFilter implements Filter {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Writes the 401 answer. */
    @FunctionalInterface
    public interface Refusal {
        void write(HttpServletResponse response, String message) throws IOException;
    }

    /** Refuses with an RFC 9457 problem detail, the shape of every {@code /api} error. */
    public static Refusal problemDetail() {
        return (response, message) -> {
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            response.setContentType("application/problem+json");
            response.getWriter().write(JSON.writeValueAsString(BearerTokens.unauthorizedProblem(message)));
        };
    }

    private final BearerTokens tokens;
    private final String what;
    private final Refusal refusal;

    public BearerAuthFilter(final BearerTokens tokens, final String what, final Refusal refusal) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.what = Objects.requireNonNull(what, "what");
        this.refusal = Objects.requireNonNull(refusal, "refusal");
    }

    @Override
    public void doFilter(final ServletRequest request, final ServletResponse response, final FilterChain chain)
        throws IOException, ServletException {
        final HttpServletRequest http = (HttpServletRequest) request;
        final String header = http.getHeader("Authorization");
        if (tokens.accepts(header)) {
            chain.doFilter(request, response);
            return;
        }
        final HttpServletResponse answer = (HttpServletResponse) response;
        answer.setHeader("WWW-Authenticate", "Bearer");
        refusal.write(answer, BearerTokens.refusal(header, what));
    }
}
