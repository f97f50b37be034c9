package dev.switchboard.routing.console;

import dev.switchboard.routing.RoutingProperties;
import dev.switchboard.routing.experiment.ExperimentBoard;
import dev.switchboard.routing.health.HealthBoard;
import dev.switchboard.routing.health.OutlierDetector;
import dev.switchboard.routing.table.Endpoints;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.WebFilter;

/**
 * The operators' console at {@code /console}: static pages (its scripts and styles under {@code /console/assets},
 * the libraries from WebJars) that call the admin API with the token typed at login. Every path under
 * {@code /console} without a file extension is the one page, which shows the view its path names, so each view has
 * a URL of its own that survives a reload.
 */
@Configuration(proxyBeanMethods = false)
class ConsoleConfiguration {

    /**
     * Scripts only from this router (Alpine.js evaluates its attribute expressions, hence 'unsafe-eval'; uPlot sets
     * inline styles), calls only to this router, and no framing.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self' 'unsafe-eval'; "
        + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
        + "base-uri 'none'; form-action 'self'";

    private static final Resource PAGE = new ClassPathResource("static/console/index.html");

    @Bean
    ProvidersOverview providersOverview(final HealthBoard health, final OutlierDetector outliers,
                                        final ExperimentBoard experiments, final Endpoints endpoints) {
        return new ProvidersOverview(health, outliers, experiments, endpoints);
    }

    @Bean
    RecentTraffic recentTraffic(final ReactorResourceFactory resources, final RoutingProperties routing) {
        return new RecentTraffic(resources, routing);
    }

    @Bean
    RouterFunction<ServerResponse> consolePages() {
        return RouterFunctions.route(RequestPredicates.GET("/console")
                .or(RequestPredicates.GET("/console/"))
                .or(RequestPredicates.GET("/console/**").and(request -> !request.path().contains("."))),
            request -> ServerResponse.ok().contentType(MediaType.TEXT_HTML)
                .cacheControl(CacheControl.noCache()).bodyValue(PAGE));
    }

    /** The console's pages and assets carry a strict content security policy and leak no referrer. */
    @Bean
    WebFilter consoleHeaders() {
        return (exchange, chain) -> {
            final String path = exchange.getRequest().getPath().pathWithinApplication().value();
            if (path.equals("/console") || path.startsWith("/console/")) {
                exchange.getResponse().getHeaders().set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
                exchange.getResponse().getHeaders().set("Referrer-Policy", "no-referrer");
                exchange.getResponse().getHeaders().set("X-Content-Type-Options", "nosniff");
            }
            return chain.filter(exchange);
        };
    }
}
