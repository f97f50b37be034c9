package dev.switchboard.routing.web;

import dev.switchboard.common.security.Operator;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.BindingContext;
import org.springframework.web.reactive.result.method.HandlerMethodArgumentResolver;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Gives an admin handler an {@link Operator} parameter: who called, as {@link AdminTokenFilter} found it. A caller
 * with the shared token, which names nobody, may say who they are in {@value #ACTOR_HEADER}; a named token's
 * name is never replaced.
 */
final class OperatorArgumentResolver implements HandlerMethodArgumentResolver {

    /** The free actor header of set-ups with one shared token. */
    static final String ACTOR_HEADER = "X-Switchboard-Actor";

    @Override
    public boolean supportsParameter(final MethodParameter parameter) {
        return parameter.getParameterType().equals(Operator.class);
    }

    @Override
    public Mono<Object> resolveArgument(final MethodParameter parameter, final BindingContext bindingContext,
                                        final ServerWebExchange exchange) {
        final Operator operator = exchange.getAttribute(AdminTokenFilter.OPERATOR);
        if (operator == null) {
            // Only a client key's feedback call gets here without one, and those handlers take no Operator.
            return Mono.error(new ResponseStatusException(HttpStatus.FORBIDDEN, "This call needs an admin token"));
        }
        return Mono.just(operator.calling(exchange.getRequest().getHeaders().getFirst(ACTOR_HEADER)));
    }
}
