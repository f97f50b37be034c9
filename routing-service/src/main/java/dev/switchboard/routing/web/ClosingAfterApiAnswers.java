package dev.switchboard.routing.web;

import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Every answer of the Spring side of the router (admin API, console, actuator) closes its connection. The router
 * serves {@code /v1} on Reactor Netty routes of its own and the rest through WebFlux, on one server: a client that
 * sent a {@code /v1} request on a keep-alive connection just answered by WebFlux (an actuator probe, a refused
 * {@code /api} call) got no answer, now and then, its request left unread in the socket's receive queue (seen in
 * FrontDoorIT and SwitchboardEndToEndIT: 367 bytes in Recv-Q, the event loops idle). These answers are few, so a new
 * connection each costs little; the clients' traffic on {@code /v1} keeps its connections.
 */
final class ClosingAfterApiAnswers implements WebFilter, Ordered {

    @Override
    public Mono<Void> filter(final ServerWebExchange exchange, final WebFilterChain chain) {
        // At commit, so an error handler that rebuilt the headers on the way out keeps it too.
        exchange.getResponse().beforeCommit(() -> {
            exchange.getResponse().getHeaders().setConnection("close");
            return Mono.empty();
        });
        return chain.filter(exchange);
    }

    /** Before the admin token filter, whose refusals close their connection too. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
