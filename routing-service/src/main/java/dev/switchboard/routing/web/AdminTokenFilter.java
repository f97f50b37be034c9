package dev.switchboard.routing.web;

import dev.switchboard.common.security.BearerTokens;
import java.util.regex.Pattern;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import tools.jackson.databind.ObjectMapper;

/**
 * Lets a request to {@code /api/...} through only with the admin token; refusals are problem details. The one
 * exception is what clients themselves call: an experiment's or a rollout's feedback, which also takes a client key.
 */
final class AdminTokenFilter implements WebFilter, Ordered {

    private static final Pattern CLIENT_CALLS = Pattern.compile("/api/(experiments|rollouts)/[^/]+/feedback");

    private final BearerTokens token;
    private final BearerTokens clientKeys;
    private final ObjectMapper json;

    AdminTokenFilter(final BearerTokens token, final BearerTokens clientKeys, final ObjectMapper json) {
        this.token = token;
        this.clientKeys = clientKeys;
        this.json = json;
    }

    @Override
    public Mono<Void> filter(final ServerWebExchange exchange, final WebFilterChain chain) {
        final String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (!path.equals("/api") && !path.startsWith("/api/")) {
            return chain.filter(exchange);
        }
        final String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (token.accepts(header) || CLIENT_CALLS.matcher(path).matches() && clientKeys.accepts(header)) {
            return chain.filter(exchange);
        }
        final ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatus.UNAUTHORIZED);
        response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        final byte[] body = json.writeValueAsBytes(BearerTokens.unauthorizedProblem(
            BearerTokens.refusal(header, "admin token")));
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 1;
    }
}
