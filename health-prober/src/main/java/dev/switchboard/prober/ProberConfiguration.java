package dev.switchboard.prober;

import dev.switchboard.common.kafka.BoundedEventPublisher;
import dev.switchboard.common.kafka.CompactedTopicView;
import dev.switchboard.common.security.AdminApiFilter;
import dev.switchboard.common.security.BearerAuthFilter;
import dev.switchboard.common.security.SecretSealer;
import dev.switchboard.events.HealthEvent;
import dev.switchboard.events.ProviderVersion;
import dev.switchboard.prober.probe.ProbeTarget;
import dev.switchboard.prober.probe.Prober;
import dev.switchboard.prober.schedule.ProbeScheduler;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.Topics;
import dev.switchboard.schemas.VersionKey;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Follows the provider-config topic, probes what it lists, publishes to the provider-health topic. */
@Configuration(proxyBeanMethods = false)
class ProberConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ProberConfiguration.class);

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean(destroyMethod = "close")
    CompactedTopicView<ProviderVersion> providerConfigView(final KafkaProperties kafka,
                                                           final ProberProperties prober) {
        final Map<String, Object> config = CompactedTopicView.consumerConfig(kafka.buildConsumerProperties(),
            prober.instanceId() + "-config");
        return new CompactedTopicView<>(Topics.PROVIDER_CONFIG,
            () -> new KafkaConsumer<>(config, new StringDeserializer(), EventSerdes.providerVersion()),
            (key, version) -> log.info("Version {} {}", key, version == null ? "deleted: no longer probed"
                : "configured at " + version.getUrl() + ": probing it")).start();
    }

    @Bean(destroyMethod = "close")
    BoundedEventPublisher<HealthEvent> healthPublisher(final KafkaProperties kafka, final ProberProperties prober,
                                                       final MeterRegistry registry) {
        final Map<String, Object> config = kafka.buildProducerProperties();
        config.put(ProducerConfig.CLIENT_ID_CONFIG, prober.instanceId() + "-health");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        final var producer = new KafkaProducer<>(config, new StringSerializer(), EventSerdes.healthEvent());
        final var publisher = new BoundedEventPublisher<>(Topics.PROVIDER_HEALTH, producer, 10_000);
        publisher.bindTo(registry);
        return publisher;
    }

    @Bean(destroyMethod = "close")
    ProbeScheduler probeScheduler(final CompactedTopicView<ProviderVersion> providerConfigView,
                                  final BoundedEventPublisher<HealthEvent> healthPublisher,
                                  final ProberProperties prober, final Clock clock,
                                  final KafkaProperties kafka) {
        final SecretSealer sealer = SecretSealer.fromConfig(prober.secretsKey(), prober.adminToken());
        final BiFunction<VersionKey, String, Optional<String>> openApiKey = (key, sealed) -> {
            try {
                return Optional.of(sealer.open(sealed, key + "#api_key"));
            } catch (IllegalArgumentException e) {
                log.warn("The api_key of {} cannot be opened ({}); probing without it", key, e.getMessage());
                return Optional.empty();
            }
        };
        final ProbeScheduler scheduler = new ProbeScheduler(
            () -> providerConfigView.snapshot().values().stream().map(v -> ProbeTarget.of(v, openApiKey)).toList(),
            new Prober(prober.probeTimeout()),
            event -> healthPublisher.offer(event.getCategory() + "/" + event.getName() + "/" + event.getVersion(),
                event, event.getCheckedAt()),
            clock, prober.instanceId());
        scheduler.start(prober.interval());
        log.info("Health prober {} follows {} and publishes to {} (Kafka at {}), probe timeout {}",
            prober.instanceId(), Topics.PROVIDER_CONFIG, Topics.PROVIDER_HEALTH,
            String.join(",", kafka.getBootstrapServers()), prober.probeTimeout());
        return scheduler;
    }

    @Bean
    FilterRegistrationBean<BearerAuthFilter> adminTokenFilter(final ProberProperties prober) {
        return AdminApiFilter.registration(prober.adminToken());
    }

    @Bean
    HealthIndicator kafkaHealthIndicator(final CompactedTopicView<ProviderVersion> providerConfigView,
                                         final BoundedEventPublisher<HealthEvent> healthPublisher,
                                         final KafkaProperties kafka) {
        return () -> Health.up()
            .withDetail("bootstrapServers", kafka.getBootstrapServers())
            .withDetail("versionsFollowed", providerConfigView.snapshot().size())
            .withDetail("healthEventsDelivered", healthPublisher.delivered())
            .withDetail("healthEventsDropped", healthPublisher.dropped())
            .build();
    }
}
