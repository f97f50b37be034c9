package dev.switchboard.routing.web;

import dev.switchboard.common.security.AdminCredentials;
import dev.switchboard.common.security.BearerTokens;
import dev.switchboard.common.security.Operator;
import dev.switchboard.common.security.Role;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import tools.jackson.databind.ObjectMapper;

/**
 * Lets a request to {@code /api/...} through only with an admin token whose role allows it ({@link #roleFor}), and
 * hands the {@link Operator} it names to the handler ({@link OperatorArgumentResolver}); refusals are problem
 * details, 401 for no or an unknown token, 403 for a role that may not. The one exception is what clients themselves
 * call: an experiment's or a rollout's feedback, which also takes a client key.
 */
final class AdminTokenFilter implements WebFilter, Ordered {

    /** The exchange attribute holding the {@link Operator} a request's token names. */
    static final String OPERATOR = AdminTokenFilter.class.getName() + ".operator";
    private static final Pattern CLIENT_CALLS = Pattern.compile("/api/(experiments|rollouts)/[^/]+/feedback");
    private static final Pattern APPROVALS = Pattern.compile("/api/proposals/[^/]+/approve");
    private static final Pattern CHANGE_POLICY = Pattern.compile("/api/system-configs/provider/[^/]+/[^/]+/change-policy");

    private final AdminCredentials credentials;
    private final BearerTokens clientKeys;
    private final ObjectMapper json;

    AdminTokenFilter(final AdminCredentials credentials, final BearerTokens clientKeys, final ObjectMapper json) {
        this.credentials = credentials;
        this.clientKeys = clientKeys;
        this.json = json;
    }

    /**
     * The role a call needs: reading is a viewer's, changing an operator's; approving a proposal, and changing the
     * policy that says what needs approval, an approver's.
     */
    static Role roleFor(final String method, final String path) {
        final Role byMethod = Role.neededFor(method);
        if (byMethod != Role.VIEWER && (APPROVALS.matcher(path).matches() || CHANGE_POLICY.matcher(path).matches())) {
            return Role.APPROVER;
        }
        return byMethod;
    }

    @Override
    public Mono<Void> filter(final ServerWebExchange exchange, final WebFilterChain chain) {
        final ServerHttpRequest request = exchange.getRequest();
        final String path = request.getPath().pathWithinApplication().value();
        if (!path.equals("/api") && !path.startsWith("/api/")) {
            return chain.filter(exchange);
        }
        final String header = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        final Optional<Operator> operator = credentials.operator(header);
        if (operator.isEmpty()) {
            if (CLIENT_CALLS.matcher(path).matches() && clientKeys.accepts(header)) {
                return chain.filter(exchange);
            }
            exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            return refuse(exchange, HttpStatus.UNAUTHORIZED, BearerTokens.unauthorizedProblem(
                BearerTokens.refusal(header, "admin token")));
        }
        final Role needed = roleFor(request.getMethod().name(), path);
        if (!operator.get().may(needed)) {
            return refuse(exchange, HttpStatus.FORBIDDEN, BearerTokens.forbiddenProblem(
                Role.refusal(operator.get(), needed, request.getMethod().name() + " " + path)));
        }
        exchange.getAttributes().put(OPERATOR, operator.get());
        return chain.filter(exchange);
    }

    private Mono<Void> refuse(final ServerWebExchange exchange, final HttpStatus status,
                              final Map<String, Object> problem) {
        final ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(json.writeValueAsBytes(problem))));
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 1;
    }
}
