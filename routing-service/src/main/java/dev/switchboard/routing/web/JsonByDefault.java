package dev.switchboard.routing.web;

import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * A body sent to {@code /api/...} without a Content-Type, or as a form (what {@code curl -d} sends unless told
 * otherwise), is read as JSON, the only kind the API takes (the front door reads a missing one so for {@code /v1}
 * too): a change sent without the header is understood rather than refused, and a body that is not JSON after all
 * gets the API's 400 saying so.
 */
final class JsonByDefault implements WebFilter {

    private static final Set<HttpMethod> WITH_BODY = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH);

    @Override
    public Mono<Void> filter(final ServerWebExchange exchange, final WebFilterChain chain) {
        final ServerHttpRequest request = exchange.getRequest();
        final MediaType type = request.getHeaders().getContentType();
        if (WITH_BODY.contains(request.getMethod())
            && (type == null || MediaType.APPLICATION_FORM_URLENCODED.equalsTypeAndSubtype(type))
            && request.getPath().pathWithinApplication().value().startsWith("/api/")) {
            return chain.filter(exchange.mutate().request(request.mutate()
                .headers(headers -> headers.set(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE))
                .build()).build());
        }
        return chain.filter(exchange);
    }
}
