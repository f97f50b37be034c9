package dev.switchboard.routing.kafka;

import dev.switchboard.common.kafka.CompactedTopicView;
import dev.switchboard.events.ProviderVersion;
import dev.switchboard.routing.RoutingProperties;
import dev.switchboard.routing.table.Provider;
import dev.switchboard.routing.table.VersionConfig;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Writes the start-up versions to {@code switchboard.provider-config} when the topic does not have them yet,
 * so the prober (and later every router) follows the same versions. Runs in the background: a missing broker
 * delays seeding, never the router's start.
 */
@Component
class ProviderConfigSeeder implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ProviderConfigSeeder.class);

    private final KafkaProperties kafka;
    private final RoutingProperties routing;
    private final Clock clock;
    private volatile Thread worker;

    ProviderConfigSeeder(final KafkaProperties kafka, final RoutingProperties routing, final Clock clock) {
        this.kafka = kafka;
        this.routing = routing;
        this.clock = clock;
    }

    @Override
    public void start() {
        worker = Thread.ofVirtual().name("provider-config-seeder").start(this::seed);
    }

    private void seed() {
        final var config = RoutingKafkaConfiguration.viewConsumerConfig(kafka, routing.instanceId() + "-config-seed");
        final var producer = new KafkaProducer<>(kafka.buildProducerProperties(), new StringSerializer(),
            EventSerdes.providerVersion());
        try (var view = new CompactedTopicView<>(Topics.PROVIDER_CONFIG,
                () -> new KafkaConsumer<>(config, new StringDeserializer(), EventSerdes.providerVersion()),
                (key, value) -> { }).start()) {
            while (!view.awaitCaughtUp(Duration.ofSeconds(30))) {
                log.info("Still waiting to read {} before seeding it", Topics.PROVIDER_CONFIG);
            }
            final Map<String, ProviderVersion> present = view.snapshot();
            int written = 0;
            for (final Provider provider : routing.routedProviders()) {
                for (final VersionConfig version : provider.versions()) {
                    if (!present.containsKey(version.key().toString())) {
                        producer.send(new ProducerRecord<>(Topics.PROVIDER_CONFIG, version.key().toString(),
                            toEvent(version, clock.instant()))).get();
                        written++;
                    }
                }
            }
            log.info("Seeded {} with {} start-up versions ({} were already there)", Topics.PROVIDER_CONFIG,
                written, present.size());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("Could not seed {}: {}", Topics.PROVIDER_CONFIG, e.toString());
        } finally {
            producer.close(Duration.ofSeconds(2)); // never hang a shutdown on an absent broker
        }
    }

    static ProviderVersion toEvent(final VersionConfig version, final Instant now) {
        final Map<String, Object> parameters = new HashMap<>();
        version.parameters().forEach((name, value) -> parameters.put(name, switch (value) {
            case null -> null;
            case Boolean b -> b;
            case Integer i -> i.longValue();
            case Long l -> l;
            case Number n -> n.doubleValue();
            default -> value.toString();
        }));
        return ProviderVersion.newBuilder()
            .setCategory(version.key().category())
            .setName(version.key().name())
            .setVersion(version.version())
            .setType(version.type().wireName())
            .setModelName(version.modelName())
            .setUrl(version.url().toString())
            .setWeight(version.weight())
            .setIsActive(version.active())
            .setIsDefault(version.isDefault())
            .setParameters(parameters)
            .setCreatedAt(now)
            .setUpdatedAt(now)
            .build();
    }

    @Override
    public void stop() {
        final Thread running = worker;
        if (running != null) {
            running.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        final Thread running = worker;
        return running != null && running.isAlive();
    }

}
