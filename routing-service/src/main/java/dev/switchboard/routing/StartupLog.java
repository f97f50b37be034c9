package dev.switchboard.routing;

import dev.switchboard.routing.table.Provider;
import dev.switchboard.schemas.Topics;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** One line at start-up saying what this router serves and what it is connected to. */
@Component
class StartupLog {

    private static final Logger log = LoggerFactory.getLogger(StartupLog.class);

    @EventListener
    void ready(final ApplicationReadyEvent event) {
        final var context = event.getApplicationContext();
        final RoutingProperties routing = context.getBean(RoutingProperties.class);
        final KafkaProperties kafka = context.getBean(KafkaProperties.class);
        final int port = context instanceof WebServerApplicationContext web ? web.getWebServer().getPort() : -1;
        final String providers = context.getBean(StartupProviders.class).providers().stream().map(StartupLog::describe)
            .collect(Collectors.joining("; "));
        log.info("Routing service {} started on port {}: start-up providers [{}]; Kafka at {}; outcomes to {}, "
                + "health from {}, config from {} and {}",
            routing.instanceId(), port, providers, String.join(",", kafka.getBootstrapServers()),
            Topics.REQUEST_OUTCOMES, Topics.PROVIDER_HEALTH, Topics.PROVIDER_CONFIG, Topics.PROVIDER_SETTINGS);
    }

    private static String describe(final Provider provider) {
        return provider.id() + " by " + provider.strategy() + ": " + provider.versions().stream()
            .map(v -> v.version() + "=" + v.weight() + (v.isDefault() ? "*" : "") + "@" + v.url().map(Object::toString).orElse("(" + v.type() + " endpoint)"))
            .collect(Collectors.joining(", "));
    }
}
