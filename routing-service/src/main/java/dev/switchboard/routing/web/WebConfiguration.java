package dev.switchboard.routing.web;

import dev.switchboard.common.security.AdminCredentials;
import dev.switchboard.common.security.BearerTokens;
import dev.switchboard.routing.RoutingProperties;
import dev.switchboard.routing.SecurityProperties;
import dev.switchboard.routing.proxy.OpenAiFrontDoor;
import dev.switchboard.routing.proxy.ProviderProxy;
import org.springframework.boot.http.codec.autoconfigure.HttpCodecsProperties;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.result.method.annotation.ArgumentResolverConfigurer;
import reactor.netty.resources.LoopResources;
import tools.jackson.databind.ObjectMapper;

/**
 * The router's one Netty server: the OpenAI front door at {@code /v1/...} as a route of its own, guarded by client
 * keys, and WebFlux (admin API, actuator) for everything else, with the admin token on {@code /api/...}. Server
 * and upstream calls share one set of event loops, one per core by default.
 */
@Configuration(proxyBeanMethods = false)
class WebConfiguration {

    /** Spring's own default for {@code spring.http.codecs.max-in-memory-size}. */
    private static final DataSize DEFAULT_CODEC_BUFFER = DataSize.ofKilobytes(256);
    /** As Tomcat's default {@code max-swallow-size}, which stats-streams and the prober have too. */
    private static final DataSize SWALLOW_LIMIT = DataSize.ofMegabytes(8);

    @Bean(destroyMethod = "dispose")
    LoopResources eventLoops(final RoutingProperties properties) {
        return LoopResources.create("switchboard-io", properties.ioThreads(), true);
    }

    /** Has Boot's Netty server run on the router's event loops rather than Reactor's global ones. */
    @Bean
    ReactorResourceFactory reactorResourceFactory(final LoopResources eventLoops) {
        final ReactorResourceFactory factory = new ReactorResourceFactory();
        factory.setUseGlobalResources(false);
        factory.setLoopResources(eventLoops);
        return factory;
    }

    @Bean
    OpenAiFrontDoor openAiFrontDoor(final ProviderProxy proxy, final SecurityProperties security,
                                    final RoutingProperties properties) {
        return new OpenAiFrontDoor(proxy, clientKeys(security), Math.toIntExact(properties.maxRequestSize().toBytes()));
    }

    private static BearerTokens clientKeys(final SecurityProperties security) {
        return BearerTokens.ofCommaSeparated(security.clientKeys(),
            "switchboard.security.client-keys (SWITCHBOARD_CLIENT_KEYS)");
    }

    @Bean
    NettyRouteProvider openAiRoute(final OpenAiFrontDoor frontDoor) {
        return frontDoor::addRoutes;
    }

    /** Reads a request's body whole before answering, up to the codecs' buffer, and swallows up to 8 MB past it. */
    @Bean
    ClosingAfterApiAnswers closingAfterApiAnswers(final HttpCodecsProperties codecs) {
        final DataSize buffer = codecs.getMaxInMemorySize() == null ? DEFAULT_CODEC_BUFFER : codecs.getMaxInMemorySize();
        return new ClosingAfterApiAnswers(Math.toIntExact(buffer.toBytes()), SWALLOW_LIMIT.toBytes());
    }

    @Bean
    JsonByDefault jsonByDefault() {
        return new JsonByDefault();
    }

    @Bean
    AdminTokenFilter adminTokenFilter(final SecurityProperties security, final ObjectMapper json) {
        return new AdminTokenFilter(AdminCredentials.of(security.adminToken(), security.adminTokens()),
            clientKeys(security), json);
    }

    /** Admin handlers take the calling {@code Operator} as a parameter. */
    @Bean
    WebFluxConfigurer operatorParameters() {
        return new WebFluxConfigurer() {
            @Override
            public void configureArgumentResolvers(final ArgumentResolverConfigurer configurer) {
                configurer.addCustomResolver(new OperatorArgumentResolver());
            }
        };
    }
}
