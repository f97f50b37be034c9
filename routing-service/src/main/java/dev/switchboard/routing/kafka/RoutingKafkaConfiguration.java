package dev.switchboard.routing.kafka;

import dev.switchboard.common.kafka.BoundedEventPublisher;
import dev.switchboard.common.kafka.CompactedTopicView;
import dev.switchboard.common.kafka.CompactedTopics;
import dev.switchboard.events.AlertChannel;
import dev.switchboard.events.AlertEvent;
import dev.switchboard.events.AlertRule;
import dev.switchboard.events.ChangeProposal;
import dev.switchboard.events.Experiment;
import dev.switchboard.events.ExperimentAllocation;
import dev.switchboard.events.HealthEvent;
import dev.switchboard.events.RegisteredModel;
import dev.switchboard.events.RequestOutcome;
import dev.switchboard.events.Rollout;
import dev.switchboard.events.RolloutDecision;
import dev.switchboard.events.ShadowComparison;
import dev.switchboard.routing.RoutingProperties;
import dev.switchboard.routing.StartupProviders;
import dev.switchboard.routing.admin.ConfigLog;
import dev.switchboard.routing.controlplane.AuditTrail;
import dev.switchboard.routing.controlplane.ConfigEvents;
import dev.switchboard.routing.controlplane.ConfigStore;
import dev.switchboard.routing.controlplane.ConfigWriter;
import dev.switchboard.routing.controlplane.StartupSeeder;
import dev.switchboard.routing.experiment.ExperimentBoard;
import dev.switchboard.routing.experiment.ExperimentEvents;
import dev.switchboard.routing.experiment.WinnerPromotion;
import dev.switchboard.routing.health.HealthBoard;
import dev.switchboard.routing.metrics.CountedOutcomes;
import dev.switchboard.routing.notify.Backoff;
import dev.switchboard.routing.notify.HttpChannelSender;
import dev.switchboard.routing.outcome.OutcomeRecorder;
import dev.switchboard.routing.rollout.RolloutBoard;
import dev.switchboard.routing.strategy.VersionSelector;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.Topics;
import dev.switchboard.schemas.VersionKey;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.util.backoff.FixedBackOff;
import tools.jackson.databind.ObjectMapper;

/**
 * The router's Kafka edges. None of them is on a request's path: outcomes go through a bounded buffer, and
 * health events are read on their own thread into the {@link HealthBoard} the selector consults. The router
 * creates no topics (stats-streams and the launcher do), so it starts and serves with the broker away.
 */
@Configuration(proxyBeanMethods = false)
class RoutingKafkaConfiguration {

    private static final Logger log = LoggerFactory.getLogger(RoutingKafkaConfiguration.class);

    @Bean(destroyMethod = "close")
    BoundedEventPublisher<RequestOutcome> outcomePublisher(final KafkaProperties kafka,
                                                          final RoutingProperties routing, final Clock clock) {
        // Outcomes are not waited for: larger, later batches cost the router less CPU per event. They are kept
        // through a broker outage of up to five minutes (Kafka's default gives up after two) in the publisher's
        // buffer, as many as switchboard.routing.outcome-buffer holds (50,000 by default: four minutes at 200
        // requests/s), so the stats count every request served across it; past either, outcomes are dropped and
        // each drop is counted.
        return publisher(kafka, routing, clock, Topics.REQUEST_OUTCOMES, "-outcomes",
            EventSerdes.requestOutcome(),
            Map.of(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Duration.ofMinutes(5).toMillis()));
    }

    @Bean(destroyMethod = "close")
    BoundedEventPublisher<ShadowComparison> comparisonPublisher(final KafkaProperties kafka,
                                                               final RoutingProperties routing, final Clock clock) {
        return publisher(kafka, routing, clock, Topics.SHADOW_COMPARISONS, "-shadow-comparisons",
            EventSerdes.shadowComparison(), Map.of());
    }

    /** Events off the request path: a bounded buffer in front of a producer that never waits long. */
    private static <V> BoundedEventPublisher<V> publisher(final KafkaProperties kafka, final RoutingProperties routing,
                                                          final Clock clock, final String topic,
                                                          final String clientSuffix, final Serializer<V> values,
                                                          final Map<String, Object> defaults) {
        final Map<String, Object> config = kafka.buildProducerProperties();
        config.put(ProducerConfig.CLIENT_ID_CONFIG, routing.instanceId() + clientSuffix);
        // A partition's batch fills for up to 50 ms: each batch costs a fixed amount whatever it holds (lz4's
        // stream, two 64 KB buffers), which at 20 ms was 2 KB of a router's allocation per request at low rates.
        // The stats see an outcome up to 30 ms later than at 20 ms, beside minute-long canary windows.
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 50);
        defaults.forEach(config::putIfAbsent);
        config.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // Only the publisher's own thread ever waits on the producer, and never long.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000);
        // A MeterBinder bean: Boot binds its meters to the registry (binding it here too registered them twice).
        return new BoundedEventPublisher<>(topic, new KafkaProducer<>(config, new StringSerializer(), values),
            routing.outcomeBuffer(), BoundedEventPublisher.deliveryTimeout(config), clock);
    }

    /** Outcomes to Kafka, counted on the way for Prometheus ({@link CountedOutcomes}). */
    @Bean
    OutcomeRecorder outcomeRecorder(final BoundedEventPublisher<RequestOutcome> outcomePublisher,
                                    final BoundedEventPublisher<ShadowComparison> comparisonPublisher,
                                    final MeterRegistry registry) {
        return new CountedOutcomes(new KafkaOutcomeRecorder(outcomePublisher, comparisonPublisher), registry);
    }

    /**
     * One consumer, on one thread, reads every compacted topic this router keeps a view of (a dozen): a consumer
     * each had cost every router a dozen connections to each broker and the brokers a dozen fetches a router every
     * 100 ms, for topics that rarely change.
     */
    @Bean(destroyMethod = "close")
    CompactedTopics compactedTopics(final KafkaProperties kafka, final RoutingProperties routing) {
        final Map<String, Object> config = viewConsumerConfig(kafka, routing.instanceId() + "-views");
        return new CompactedTopics(routing.instanceId(),
            () -> new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())).start();
    }

    @Bean(destroyMethod = "close")
    ConfigStore configStore(final CompactedTopics views, final ConfigEvents events, final StartupProviders startup,
                            final VersionSelector selector, final RolloutBoard rollouts) {
        return new ConfigStore(
            listener -> views.view(Topics.PROVIDER_CONFIG, EventSerdes.providerVersion(), listener),
            listener -> views.view(Topics.PROVIDER_SETTINGS, EventSerdes.providerSettings(), listener),
            events, startup.providers(), selector::knows, rollouts).start();
    }

    @Bean
    RolloutBoard rolloutBoard() {
        return new RolloutBoard();
    }

    /** Rollout plans, folded with their decisions by the board. */
    @Bean(destroyMethod = "close")
    CompactedTopicView<Rollout> rolloutView(final CompactedTopics views, final RolloutBoard board) {
        return views.view(Topics.ROLLOUTS, EventSerdes.rollout(), board::plan).start();
    }

    /** The configuration changes' history, read from the audit topic when an operator asks for it. */
    @Bean
    AuditTrail auditTrail(final KafkaProperties kafka, final RoutingProperties routing) {
        final Map<String, Object> config = viewConsumerConfig(kafka, routing.instanceId() + "-audit-reader");
        return new AuditTrail(() -> new KafkaConsumer<>(config, new StringDeserializer(),
            new ByteArrayDeserializer()), Duration.ofSeconds(5));
    }

    /**
     * Every rollout decision, in the topic's order (the view's listener sees each record, not only the latest per
     * key): the board folds them as stats-streams does, and routing follows as soon as one is read.
     */
    @Bean(destroyMethod = "close")
    CompactedTopicView<RolloutDecision> rolloutDecisionView(final CompactedTopics views, final RolloutBoard board) {
        return views.view(Topics.ROLLOUT_DECISIONS, EventSerdes.rolloutDecision(), board::decision).start();
    }

    @Bean(destroyMethod = "close")
    ConfigWriter configWriter(final KafkaProperties kafka, final RoutingProperties routing, final ConfigStore store,
                              final ConfigEvents events) {
        return new ConfigWriter(() -> {
            final Map<String, Object> config = kafka.buildProducerProperties();
            config.put(ProducerConfig.CLIENT_ID_CONFIG, routing.instanceId() + "-config-writer");
            config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "switchboard-config-" + routing.instanceId());
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
            config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
            config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
            // A router that dies mid-change must not hold back every reader for long.
            config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
            return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        }, store, events, Duration.ofSeconds(10));
    }

    /** The admin API's configuration log: the writer, and the views it reads its definitions back from. */
    @Bean
    ConfigLog configLog(final ConfigWriter writer, final CompactedTopicView<Experiment> experimentView,
                        final CompactedTopicView<RegisteredModel> modelRegistryView,
                        final CompactedTopicView<Rollout> rolloutView,
                        final CompactedTopicView<RolloutDecision> rolloutDecisionView,
                        final KafkaConfigLog.Alerting alerting,
                        final CompactedTopicView<ChangeProposal> proposalView) {
        return new KafkaConfigLog(writer, experimentView, modelRegistryView, rolloutView, rolloutDecisionView,
            alerting, proposalView);
    }

    /** Changes waiting for an approver, and what became of them. */
    @Bean(destroyMethod = "close")
    CompactedTopicView<ChangeProposal> proposalView(final CompactedTopics views) {
        return views.view(Topics.CHANGE_PROPOSALS, EventSerdes.changeProposal(), (id, proposal) -> { }).start();
    }

    /**
     * Alert rules (read by the admin API; stats-streams evaluates them), channels (each one followed by the
     * notifier) and the rules' latest transitions (the console's firing alerts).
     */
    @Bean(destroyMethod = "close")
    KafkaConfigLog.Alerting alerting(final CompactedTopics views, final NotificationChannels notifier) {
        return new KafkaConfigLog.Alerting(
            views.view(Topics.ALERT_RULES, EventSerdes.alertRule(), (id, rule) -> { }).start(),
            views.view(Topics.ALERT_CHANNELS, EventSerdes.alertChannel(), notifier::apply).start(),
            views.view(Topics.ALERTS, EventSerdes.alertEvent(), (key, alert) -> { }).start());
    }

    /**
     * Delivers alerts and rollout decisions to the channels: one consumer group per channel, shared by the routers,
     * so each event goes out from one router (again after a failure: at least once, receivers deduplicate by id).
     */
    @Bean(destroyMethod = "close")
    NotificationChannels notificationChannels(final KafkaProperties kafka, final RoutingProperties routing,
                                              final CompactedTopicView<Rollout> rolloutView,
                                              final ConfigEvents events, final MeterRegistry meters,
                                              final ObjectMapper json, final Clock clock) {
        final RoutingProperties.NotificationSettings settings = routing.notifications();
        final HttpClient http = HttpClient.newBuilder().connectTimeout(settings.timeout())
            .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        return new NotificationChannels(group -> {
            final Map<String, Object> config = kafka.buildConsumerProperties();
            config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            config.put(ConsumerConfig.CLIENT_ID_CONFIG, routing.instanceId() + "-" + group);
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
            config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
            return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        }, events, new HttpChannelSender(http, json, clock, settings.timeout()),
            rolloutView::get, meters,
            new Backoff(settings.firstRetry(), settings.maxRetry()), settings.maxAge(), clock);
    }

    @Bean(destroyMethod = "close")
    StartupSeeder startupSeeder(final ConfigStore store, final ConfigWriter writer, final StartupProviders startup,
                                final Clock clock, final RoutingProperties routing) {
        return new StartupSeeder(store, writer, startup.providers(), clock, routing.instanceId()).start();
    }

    @Bean(destroyMethod = "close")
    CompactedTopicView<HealthEvent> healthView(final CompactedTopics views, final HealthBoard board) {
        return views.view(Topics.PROVIDER_HEALTH, EventSerdes.healthEvent(),
            (key, event) -> applyHealth(board, key, event)).start();
    }

    /** Running experiments assign subjects; any other state (created, paused, stopped, deleted) assigns nobody. */
    @Bean(destroyMethod = "close")
    CompactedTopicView<Experiment> experimentView(final CompactedTopics views, final ExperimentBoard board) {
        return views.view(Topics.EXPERIMENTS, EventSerdes.experiment(),
            (name, experiment) -> ExperimentEvents.apply(board, name, experiment)).start();
    }

    /**
     * stats-streams' decisions on experiments, every one in the topic's order: the board follows the latest of
     * each (adaptive shares, eliminated arms, guardrail stops).
     */
    @Bean(destroyMethod = "close")
    CompactedTopicView<ExperimentAllocation> allocationView(final CompactedTopics views,
                                                            final ExperimentBoard board) {
        return views.view(Topics.EXPERIMENT_ALLOCATIONS, EventSerdes.experimentAllocation(), (name, decision) -> {
                if (decision != null) {
                    ExperimentEvents.apply(board, decision);
                }
            }).start();
    }

    /**
     * Promotes adaptive experiments' winners: one consumer group shared by the routers, so each decision is acted
     * on by one of them (again after a failure, which the promotion's idempotence makes harmless). From the
     * earliest decision for a new group, so a winner found while no router ran is still promoted.
     */
    @Bean
    KafkaMessageListenerContainer<String, ExperimentAllocation> winnerPromotions(final KafkaProperties kafka,
                                                                                  final RoutingProperties routing,
                                                                                  final WinnerPromotion promotion) {
        final Map<String, Object> config = kafka.buildConsumerProperties();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "switchboard-experiment-promotions");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, routing.instanceId() + "-experiment-promotions");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final ContainerProperties properties = new ContainerProperties(Topics.EXPERIMENT_ALLOCATIONS);
        properties.setMessageListener((MessageListener<String, ExperimentAllocation>) decision -> {
            if (decision.value() != null) {
                promotion.promote(decision.value());
            }
        });
        // A record that cannot be read is logged and skipped rather than retried for ever.
        final KafkaMessageListenerContainer<String, ExperimentAllocation> container =
            new KafkaMessageListenerContainer<>(new DefaultKafkaConsumerFactory<>(config, new StringDeserializer(),
                new ErrorHandlingDeserializer<>(EventSerdes.experimentAllocation().deserializer())), properties);
        container.setCommonErrorHandler(new DefaultErrorHandler(new FixedBackOff(1_000, 5)));
        return container;
    }

    /** The model registry, read by the admin API only; routing goes by provider versions. */
    @Bean(destroyMethod = "close")
    CompactedTopicView<RegisteredModel> modelRegistryView(final CompactedTopics views) {
        return views.view(Topics.MODEL_REGISTRY, EventSerdes.registeredModel(), (id, model) -> { }).start();
    }

    static Map<String, Object> viewConsumerConfig(final KafkaProperties kafka, final String clientId) {
        return CompactedTopics.consumerConfig(kafka.buildConsumerProperties(), clientId);
    }

    private static void applyHealth(final HealthBoard board, final String key, final HealthEvent event) {
        final VersionKey version;
        try {
            version = VersionKey.parse(key);
        } catch (IllegalArgumentException e) {
            log.warn("Ignoring a health event with a malformed key: {}", e.getMessage());
            return;
        }
        if (event == null) {
            board.forget(version);
            return;
        }
        final String detail = event.getHealthy() ? "healthy"
            : "HTTP " + event.getHttpStatus() + ": " + event.getError();
        final double score = event.getHealthScore() != null ? event.getHealthScore() : event.getHealthy() ? 100 : 0;
        // A v1 writer sends no status: the report then says healthy or unhealthy by itself.
        final HealthBoard.Report report = event.getStatus() == null
            ? new HealthBoard.Report(event.getHealthy(), score, detail, event.getCheckedAt())
            : new HealthBoard.Report(event.getHealthy(), event.getStatus(), score, detail, event.getCheckedAt());
        if (board.report(version, report)) {
            log.info("Version {} is now {} ({}); {}, {} ms after the check", version,
                event.getHealthy() ? "healthy" : "unhealthy", detail,
                event.getHealthy() ? "routing to it again" : "routing nothing to it",
                Duration.between(event.getCheckedAt(), Instant.now()).toMillis());
        }
    }

    /**
     * Readiness ({@code /actuator/health/readiness}): out of service until the router has read the config topics
     * (until then it routes by its start-up configuration only) and every other topic it keeps a view of, so that a
     * router just started neither splits a provider by its own weights in the middle of a rollout nor answers that
     * a rollout does not exist. Once read, it stays ready through a broker outage: routing goes on by what was read.
     */
    @Bean
    HealthIndicator configTopicsHealthIndicator(final ConfigStore store, final CompactedTopics views) {
        return () -> {
            final List<String> unread = views.unread();
            return (store.fromTopics() && unread.isEmpty() ? Health.up() : Health.outOfService())
                .withDetail("topics", List.of(Topics.PROVIDER_CONFIG, Topics.PROVIDER_SETTINGS))
                .withDetail("read", store.fromTopics())
                .withDetail("unread", unread)
                .build();
        };
    }

    @Bean
    HealthIndicator kafkaHealthIndicator(final BoundedEventPublisher<RequestOutcome> outcomePublisher,
                                         final ConfigStore store, final KafkaProperties kafka) {
        // The router serves without Kafka, so Kafka trouble shows in the details rather than taking it DOWN.
        return () -> Health.up()
            .withDetail("bootstrapServers", kafka.getBootstrapServers())
            .withDetail("routingFrom", store.fromTopics() ? "config topics" : "start-up configuration (topics not read yet)")
            .withDetail("outcomesDelivered", outcomePublisher.delivered())
            .withDetail("outcomesDropped", outcomePublisher.dropped())
            .withDetail("outcomesBuffered", outcomePublisher.buffered())
            .build();
    }
}
