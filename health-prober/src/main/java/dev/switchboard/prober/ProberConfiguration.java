package dev.switchboard.prober;

import dev.switchboard.common.kafka.BoundedEventPublisher;
import dev.switchboard.common.kafka.CompactedTopicView;
import dev.switchboard.common.kafka.CompactedTopics;
import dev.switchboard.common.security.AdminApiFilter;
import dev.switchboard.common.security.BearerAuthFilter;
import dev.switchboard.common.security.SecretSealer;
import dev.switchboard.common.web.JsonTomcatErrors;
import dev.switchboard.events.HealthCheckConfig;
import dev.switchboard.events.HealthEvent;
import dev.switchboard.events.ProviderVersion;
import dev.switchboard.prober.health.ProbeLag;
import dev.switchboard.prober.kafka.HealthCheckConfigStore;
import dev.switchboard.prober.kafka.HealthEventPublisher;
import dev.switchboard.prober.kafka.ProbeAssignments;
import dev.switchboard.prober.kafka.PublishedHealth;
import dev.switchboard.prober.probe.Prober;
import dev.switchboard.prober.schedule.ProbeScheduler;
import dev.switchboard.prober.stats.StatsClient;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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
import tools.jackson.databind.json.JsonMapper;

/**
 * Follows the provider-config topic, probes this instance's share of it as the health-check config says, and
 * publishes every result to the provider-health topic.
 */
@Configuration(proxyBeanMethods = false)
class ProberConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ProberConfiguration.class);

    /** How long a config change may take to be written and read back. */
    private static final Duration CONFIG_WRITE_TIMEOUT = Duration.ofSeconds(10);

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    ProbeTargets probeTargets(final ProberProperties prober, final TypeEndpointSettings typeEndpoints) {
        final SecretSealer sealer = SecretSealer.fromConfig(prober.secretsKey(), prober.adminToken());
        return new ProbeTargets(typeEndpoints.endpoints(), (key, sealed) -> {
            try {
                return Optional.of(sealer.open(sealed, key + "#api_key"));
            } catch (IllegalArgumentException e) {
                log.warn("The api_key of {} cannot be opened ({}); probing without it", key, e.getMessage());
                return Optional.empty();
            }
        });
    }

    /** One consumer, on one thread, reads the compacted topics the prober keeps a view of. */
    @Bean(destroyMethod = "close")
    CompactedTopics compactedTopics(final KafkaProperties kafka, final ProberProperties prober) {
        final Map<String, Object> config = CompactedTopics.consumerConfig(kafka.buildConsumerProperties(),
            prober.instanceId() + "-views");
        return new CompactedTopics(prober.instanceId(),
            () -> new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())).start();
    }

    @Bean(destroyMethod = "close")
    CompactedTopicView<ProviderVersion> providerConfigView(final CompactedTopics views,
                                                           final ProbeTargets probeTargets) {
        return views.view(Topics.PROVIDER_CONFIG, EventSerdes.providerVersion(), probeTargets).start();
    }

    @Bean(destroyMethod = "close")
    CompactedTopicView<HealthEvent> providerHealthView(final CompactedTopics views) {
        return views.view(Topics.PROVIDER_HEALTH, EventSerdes.healthEvent(), (key, event) -> { }).start();
    }

    @Bean(destroyMethod = "close")
    CompactedTopicView<HealthCheckConfig> healthCheckConfigView(final CompactedTopics views) {
        return views.view(Topics.HEALTH_CHECK_CONFIG, EventSerdes.healthCheckConfig(), (key, change) -> { }).start();
    }

    @Bean(destroyMethod = "close")
    KafkaProducer<String, HealthCheckConfig> healthCheckConfigProducer(final KafkaProperties kafka,
                                                                       final ProberProperties prober) {
        final Map<String, Object> config = kafka.buildProducerProperties();
        config.put(ProducerConfig.CLIENT_ID_CONFIG, prober.instanceId() + "-health-check-config");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, CONFIG_WRITE_TIMEOUT.toMillis());
        return new KafkaProducer<>(config, new StringSerializer(), EventSerdes.healthCheckConfig());
    }

    @Bean
    HealthCheckConfigStore healthCheckConfigStore(final CompactedTopicView<HealthCheckConfig> healthCheckConfigView,
                                                  final KafkaProducer<String, HealthCheckConfig> producer,
                                                  final ProberProperties prober, final Clock clock) {
        return new HealthCheckConfigStore(healthCheckConfigView, producer, prober.defaultPolicy(), clock,
            CONFIG_WRITE_TIMEOUT);
    }

    @Bean
    PublishedHealth publishedHealth(final CompactedTopicView<HealthEvent> providerHealthView) {
        return new PublishedHealth(providerHealthView);
    }

    /**
     * The health of the health checks, for Prometheus (deploy/prometheus/switchboard-rules.yml):
     * {@code switchboard_prober_stale_versions}, the versions whose probe is overdue by more than an interval, and
     * {@code switchboard_prober_probe_overdue_seconds}, how far the most overdue one is. Every prober reads every
     * version's published health, so each reports the same figures whichever versions it probes itself.
     */
    @Bean
    MeterBinder probeLagMetrics(final ProbeTargets targets, final CompactedTopicView<ProviderVersion> providerConfigView,
                                final PublishedHealth health, final HealthCheckConfigStore config, final Clock clock) {
        final Supplier<ProbeLag> lag = () -> ProbeLag.of(targets.all().stream()
            .map(target -> new ProbeLag.Probed(health.state(target.key()), providerConfigView
                .get(target.key().toString()).map(ProviderVersion::getUpdatedAt).orElseGet(clock::instant)))
            .toList(), config.policy(), clock.instant());
        return registry -> {
            Gauge.builder("switchboard.prober.stale.versions", lag, now -> now.get().staleVersions())
                .description("Versions whose probe is overdue by more than an interval").register(registry);
            Gauge.builder("switchboard.prober.probe.overdue", lag, now -> now.get().mostOverdue().toMillis() / 1000.0)
                .description("How far the most overdue probe is past its time").baseUnit("seconds")
                .register(registry);
        };
    }

    @Bean(destroyMethod = "close")
    ProbeAssignments probeAssignments(final KafkaProperties kafka, final ProberProperties prober) {
        final Map<String, Object> config = kafka.buildConsumerProperties();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, prober.groupId());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, prober.instanceId() + "-assignments");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Math.toIntExact(prober.sessionTimeout().toMillis()));
        // Heartbeats at a tenth of the session timeout rather than Kafka's third: a survivor hears of a dead
        // prober's rebalance within a second of the session timing out, not three, and takes its versions over.
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
            Math.toIntExact(Math.max(500, prober.sessionTimeout().toMillis() / 10)));
        return new ProbeAssignments(
            () -> new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer()),
            prober.instanceId()).start();
    }

    @Bean(destroyMethod = "close")
    BoundedEventPublisher<HealthEvent> healthPublisher(final KafkaProperties kafka, final ProberProperties prober,
                                                       final Clock clock) {
        final Map<String, Object> config = kafka.buildProducerProperties();
        config.put(ProducerConfig.CLIENT_ID_CONFIG, prober.instanceId() + "-health");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0); // a health change must reach the routers at once
        final var producer = new KafkaProducer<>(config, new StringSerializer(), EventSerdes.healthEvent());
        // A MeterBinder bean: Boot binds its meters to the registry.
        return new BoundedEventPublisher<>(Topics.PROVIDER_HEALTH, producer, 10_000,
            BoundedEventPublisher.deliveryTimeout(config), clock);
    }

    @Bean
    StatsClient statsClient(final ProberProperties prober) {
        return new StatsClient(prober.statsUrl(), prober.adminToken(), JsonMapper.builder().build(),
            Duration.ofSeconds(2));
    }

    @Bean(destroyMethod = "close")
    ProbeScheduler probeScheduler(final ProbeTargets probeTargets,
                                  final BoundedEventPublisher<HealthEvent> healthPublisher,
                                  final PublishedHealth publishedHealth, final ProbeAssignments assignments,
                                  final HealthCheckConfigStore healthCheckConfig, final StatsClient stats,
                                  final ProberProperties prober, final Clock clock, final KafkaProperties kafka) {
        final HealthEventPublisher events = new HealthEventPublisher(healthPublisher, prober.instanceId());
        final ProbeScheduler scheduler = new ProbeScheduler(new ProbeScheduler.Edges(probeTargets::all,
            assignments::owns, publishedHealth::state, healthCheckConfig::policy,
            key -> stats.recent(key).map(StatsClient.Recent::live), events::publish),
            new Prober(prober.probeTimeout()), clock);
        scheduler.start();
        log.info("Health prober {} follows {}, shares the versions in group {} and publishes to {} (Kafka at {}), "
                + "probe timeout {}", prober.instanceId(), Topics.PROVIDER_CONFIG, prober.groupId(),
            Topics.PROVIDER_HEALTH, String.join(",", kafka.getBootstrapServers()), prober.probeTimeout());
        return scheduler;
    }

    @Bean
    FilterRegistrationBean<BearerAuthFilter> adminTokenFilter(final ProberProperties prober) {
        return AdminApiFilter.registration(prober.adminToken(), prober.adminTokens());
    }

    /** Tomcat's own refusals (an encoded '/' in the path, say) as JSON problems, like the service's other errors. */
    @Bean
    JsonTomcatErrors jsonTomcatErrors() {
        return new JsonTomcatErrors();
    }

    /**
     * Readiness ({@code /actuator/health/readiness}): out of service until the provider config and the health-check
     * config have been read, since until then the prober would probe nothing, or by its defaults.
     */
    @Bean
    HealthIndicator configTopicsHealthIndicator(final CompactedTopicView<ProviderVersion> providerConfigView,
                                                final CompactedTopicView<HealthCheckConfig> healthCheckConfigView) {
        return () -> {
            final boolean read = providerConfigView.isCaughtUp() && healthCheckConfigView.isCaughtUp();
            return (read ? Health.up() : Health.outOfService())
                .withDetail("topics", List.of(Topics.PROVIDER_CONFIG, Topics.HEALTH_CHECK_CONFIG))
                .withDetail("read", read)
                .build();
        };
    }

    @Bean
    HealthIndicator kafkaHealthIndicator(final CompactedTopicView<ProviderVersion> providerConfigView,
                                         final BoundedEventPublisher<HealthEvent> healthPublisher,
                                         final ProbeAssignments assignments, final KafkaProperties kafka) {
        return () -> Health.up()
            .withDetail("bootstrapServers", kafka.getBootstrapServers())
            .withDetail("versionsFollowed", providerConfigView.snapshot().size())
            .withDetail("configPartitionsProbed", assignments.partitions())
            .withDetail("healthEventsDelivered", healthPublisher.delivered())
            .withDetail("healthEventsDropped", healthPublisher.dropped())
            .build();
    }
}
