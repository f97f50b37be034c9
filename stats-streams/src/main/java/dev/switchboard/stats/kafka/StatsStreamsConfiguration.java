package dev.switchboard.stats.kafka;

import dev.switchboard.common.kafka.CompactedTopics;
import dev.switchboard.common.security.AdminApiFilter;
import dev.switchboard.common.security.BearerAuthFilter;
import dev.switchboard.common.web.JsonTomcatErrors;
import dev.switchboard.schemas.TopicSpec;
import dev.switchboard.schemas.Topics;
import dev.switchboard.stats.StatsProperties;
import dev.switchboard.stats.canary.CanaryJudge;
import dev.switchboard.stats.daily.DailyStatsTopology;
import dev.switchboard.stats.query.ClusterShares;
import dev.switchboard.stats.query.KeyOwners;
import dev.switchboard.stats.query.LocalStores;
import dev.switchboard.stats.query.RemoteStats;
import dev.switchboard.stats.rollout.RolloutTopology;
import dev.switchboard.stats.topology.StatsTopology;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.DslStoreSuppliers;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.EnableKafkaStreams;
import org.springframework.kafka.config.KafkaStreamsConfiguration;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.config.StreamsBuilderFactoryBeanConfigurer;
import org.springframework.kafka.core.KafkaAdmin;
import tools.jackson.databind.json.JsonMapper;

/** Builds the topology on Spring's {@link StreamsBuilder}, exposes its stores to the REST layer and its state to Actuator. */
@Configuration(proxyBeanMethods = false)
@EnableKafkaStreams
class StatsStreamsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(StatsStreamsConfiguration.class);

    @Bean
    KafkaAdmin.NewTopics switchboardTopics(final StatsProperties stats) {
        return new KafkaAdmin.NewTopics(Topics.all(stats.outcomePartitions(), stats.replicationFactor()).stream()
            .map(TopicSpec::toNewTopic).toArray(NewTopic[]::new));
    }

    @Bean
    RolloutTopology.Settings rolloutSettings(final StatsProperties stats, final HostInfo advertisedHost) {
        return new RolloutTopology.Settings(stats.rollouts().judgeEvery(), stats.rollouts().holdEvery(),
            new CanaryJudge(stats.rollouts().alpha(), CanaryJudge.DEFAULT_TAU, CanaryJudge.DEFAULT_MINIMUM_TO_ROLL_BACK),
            "canary-judge@" + advertisedHost.host() + ":" + advertisedHost.port());
    }

    /**
     * The whole topology, built on Spring's builder by the one method the topology tests drive too. Its own stores
     * are of the kind its DSL stores are: {@code dsl.store.suppliers.class}, RocksDB unless set.
     */
    @Bean
    StatsTopology.Streams statsTopology(final StreamsBuilder builder, final StatsProperties stats,
                                        final RolloutTopology.Settings rolloutSettings, final Clock clock,
                                        final KafkaStreamsConfiguration streamsConfig) {
        final DslStoreSuppliers stores = new StreamsConfig(streamsConfig.asProperties())
            .getConfiguredInstance(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, DslStoreSuppliers.class);
        return StatsTopology.build(builder, new StatsTopology.Settings(
            new DailyStatsTopology.Windows(stats.grace(), stats.retention(), stats.minuteRetention()),
            rolloutSettings, clock, stats.alerts().evaluateEvery(), stores));
    }

    @Bean
    StreamsBuilderFactoryBeanConfigurer streamsLifecycle() {
        return factory -> {
            // A clean shutdown leaves the group at once, so a restarted or surviving instance takes the
            // partitions over without waiting out the session timeout.
            factory.setLeaveGroupOnClose(true);
            factory.setStateListener((next, previous) ->
                log.info("Kafka Streams state {} -> {}", previous, next));
        };
    }

    @Bean
    PromptStreamsMetrics promptStreamsMetrics(final MeterRegistry registry) {
        return new PromptStreamsMetrics(registry);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * Consumers for experiment reports made on request: each reads the topics it needs by assignment (no group),
     * committed records only, as {@code replay} does.
     */
    @Bean
    Supplier<Consumer<String, byte[]>> reportConsumers(final KafkaProperties kafka) {
        final Map<String, Object> config = CompactedTopics.consumerConfig(kafka.buildConsumerProperties(),
            "switchboard-experiment-report");
        return () -> new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    @Bean
    LocalStores localStores(final StreamsBuilderFactoryBean streams) {
        return new LocalStores(streams::getKafkaStreams);
    }

    /** This instance as the others reach it: its {@code application.server}, which Kafka Streams shares. */
    @Bean
    HostInfo advertisedHost(final KafkaStreamsConfiguration streamsConfig) {
        final Object endpoint = streamsConfig.asProperties().get(StreamsConfig.APPLICATION_SERVER_CONFIG);
        if (endpoint == null) {
            throw new IllegalStateException("spring.kafka.streams.properties.application.server must be set (host:port "
                + "that the other stats-streams instances reach this one at)");
        }
        final HostInfo self = HostInfo.buildFromEndpoint(endpoint.toString());
        if (self.port() == 0) {
            log.warn("application.server is {} (port 0): other instances cannot ask this one for its keys; run "
                + "several instances with fixed ports", self);
        }
        return self;
    }

    @Bean
    KeyOwners keyOwners(final StreamsBuilderFactoryBean streams, final HostInfo advertisedHost) {
        return new KeyOwners(streams::getKafkaStreams, advertisedHost);
    }

    @Bean
    ClusterShares clusterShares(final StreamsBuilderFactoryBean streams, final LocalStores stores,
                                final HostInfo advertisedHost, final JsonMapper json) {
        return new ClusterShares(streams::getKafkaStreams, stores, advertisedHost, json, Duration.ofSeconds(5));
    }

    @Bean
    RemoteStats remoteStats(final HostInfo advertisedHost) {
        return new RemoteStats(advertisedHost, Duration.ofSeconds(5));
    }

    @Bean
    FilterRegistrationBean<BearerAuthFilter> adminTokenFilter(final StatsProperties stats) {
        return AdminApiFilter.registration(stats.adminToken(), stats.adminTokens());
    }

    /** Tomcat's own refusals (an encoded '/' in the path, say) as JSON problems, like the service's other errors. */
    @Bean
    JsonTomcatErrors jsonTomcatErrors() {
        return new JsonTomcatErrors();
    }

    /**
     * Readiness ({@code /actuator/health/readiness}): up only while the streams are RUNNING. Starting, restoring
     * and rebalancing are out of service: queries answer 503 meanwhile.
     */
    @Bean
    HealthIndicator kafkaStreamsHealthIndicator(final StreamsBuilderFactoryBean factory) {
        return () -> streamsHealth(factory, state -> state == KafkaStreams.State.RUNNING ? Health.up()
            : Health.outOfService());
    }

    /**
     * Liveness ({@code /actuator/health/liveness}): down only when the streams have failed or stopped (a restart
     * is the cure); starting and rebalancing are part of a live instance's life.
     */
    @Bean
    HealthIndicator kafkaStreamsLivenessHealthIndicator(final StreamsBuilderFactoryBean factory) {
        return () -> streamsHealth(factory, state -> switch (state) {
            case ERROR, PENDING_ERROR, NOT_RUNNING -> Health.down();
            default -> Health.up();
        });
    }

    private static Health streamsHealth(final StreamsBuilderFactoryBean factory,
                                        final Function<KafkaStreams.State, Health.Builder> byState) {
        final KafkaStreams streams = factory.getKafkaStreams();
        if (streams == null) {
            return Health.outOfService().withDetail("state", "NOT_CREATED").build();
        }
        final KafkaStreams.State state = streams.state();
        return byState.apply(state).withDetail("state", state.name())
            .withDetail("threads", streams.metadataForLocalThreads().size())
            .build();
    }
}
