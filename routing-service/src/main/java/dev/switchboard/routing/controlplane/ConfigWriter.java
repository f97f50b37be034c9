package dev.switchboard.routing.controlplane;

import dev.switchboard.events.AlertChannel;
import dev.switchboard.events.AlertRule;
import dev.switchboard.events.ConfigChange;
import dev.switchboard.events.Experiment;
import dev.switchboard.events.ExperimentFeedback;
import dev.switchboard.events.RegisteredModel;
import dev.switchboard.events.Rollout;
import dev.switchboard.events.RolloutDecision;
import dev.switchboard.routing.table.ProviderPolicy;
import dev.switchboard.routing.table.VersionConfig;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.Topics;
import dev.switchboard.schemas.VersionKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes configuration changes as one Kafka transaction each: the version and settings records together with
 * their audit records, so every router reads all of a change or none of it (a change's records on different
 * partitions are applied as each is read, a few milliseconds apart). Then waits until this router's own view has
 * applied the change, so an admin reads what it just wrote.
 */
public final class ConfigWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConfigWriter.class);

    /** The records of one change. */
    public static final class ChangeSet {
        private final List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        private final ConfigEvents events;
        /** Versions, settings and rollout plans (whose baseline is the default) are computed from the table. */
        private boolean computedFromTable;

        private ChangeSet(final ConfigEvents events) {
            this.events = events;
        }

        public ChangeSet putVersion(final VersionConfig version) {
            computedFromTable = true;
            records.add(new ProducerRecord<>(Topics.PROVIDER_CONFIG, version.key().toString(),
                EventSerdes.providerVersion().serialize(Topics.PROVIDER_CONFIG, events.toEvent(version))));
            return this;
        }

        public ChangeSet deleteVersion(final VersionKey version) {
            computedFromTable = true;
            records.add(new ProducerRecord<>(Topics.PROVIDER_CONFIG, version.toString(), null));
            return this;
        }

        public ChangeSet putPolicy(final String category, final String name, final ProviderPolicy policy,
                                   final Instant now) {
            computedFromTable = true;
            records.add(new ProducerRecord<>(Topics.PROVIDER_SETTINGS, category + "/" + name,
                EventSerdes.providerSettings().serialize(Topics.PROVIDER_SETTINGS,
                    ConfigEvents.toEvent(category, name, policy, now))));
            return this;
        }

        public ChangeSet putExperiment(final Experiment experiment) {
            records.add(new ProducerRecord<>(Topics.EXPERIMENTS, experiment.getName(),
                EventSerdes.experiment().serialize(Topics.EXPERIMENTS, experiment)));
            return this;
        }

        public ChangeSet putModel(final RegisteredModel model) {
            records.add(new ProducerRecord<>(Topics.MODEL_REGISTRY, model.getModelId(),
                EventSerdes.registeredModel().serialize(Topics.MODEL_REGISTRY, model)));
            return this;
        }

        public ChangeSet putRollout(final Rollout rollout) {
            computedFromTable = true;
            records.add(new ProducerRecord<>(Topics.ROLLOUTS, rollout.getId(),
                EventSerdes.rollout().serialize(Topics.ROLLOUTS, rollout)));
            return this;
        }

        public ChangeSet putRolloutDecision(final RolloutDecision decision) {
            records.add(new ProducerRecord<>(Topics.ROLLOUT_DECISIONS, decision.getRolloutId(),
                EventSerdes.rolloutDecision().serialize(Topics.ROLLOUT_DECISIONS, decision)));
            return this;
        }

        public ChangeSet putAlertRule(final AlertRule rule) {
            records.add(new ProducerRecord<>(Topics.ALERT_RULES, rule.getRuleId(),
                EventSerdes.alertRule().serialize(Topics.ALERT_RULES, rule)));
            return this;
        }

        public ChangeSet deleteAlertRule(final String id) {
            records.add(new ProducerRecord<>(Topics.ALERT_RULES, id, null));
            return this;
        }

        public ChangeSet putAlertChannel(final AlertChannel channel) {
            records.add(new ProducerRecord<>(Topics.ALERT_CHANNELS, channel.getChannelId(),
                EventSerdes.alertChannel().serialize(Topics.ALERT_CHANNELS, channel)));
            return this;
        }

        public ChangeSet deleteAlertChannel(final String id) {
            records.add(new ProducerRecord<>(Topics.ALERT_CHANNELS, id, null));
            return this;
        }

        /** A client's score: not configuration, but written as surely (acknowledged, or an error). */
        public ChangeSet putFeedback(final ExperimentFeedback feedback) {
            records.add(new ProducerRecord<>(Topics.EXPERIMENT_FEEDBACK, feedback.getRequestId(),
                EventSerdes.experimentFeedback().serialize(Topics.EXPERIMENT_FEEDBACK, feedback)));
            return this;
        }

        public ChangeSet audit(final ConfigChange change, final String provider) {
            records.add(new ProducerRecord<>(Topics.CONFIG_AUDIT, provider,
                EventSerdes.configChange().serialize(Topics.CONFIG_AUDIT, change)));
            return this;
        }

        public boolean isEmpty() {
            return records.isEmpty();
        }
    }

    private final Supplier<Producer<String, byte[]>> producers;
    private final ConfigStore store;
    private final ConfigEvents events;
    private final Duration timeout;
    private Producer<String, byte[]> producer;

    public ConfigWriter(final Supplier<Producer<String, byte[]>> producers, final ConfigStore store,
                        final ConfigEvents events, final Duration timeout) {
        this.producers = producers;
        this.store = store;
        this.events = events;
        this.timeout = timeout;
    }

    public ChangeSet changes() {
        return new ChangeSet(events);
    }

    /**
     * @return the end offsets written, per partition, for a caller that waits for a view of its own to see them
     * @throws ConfigUnavailableException when Kafka did not take the change, or when the change was computed from
     *     a routing table that is still the start-up configuration rather than the topics'
     */
    public Map<TopicPartition, Long> commit(final ChangeSet changes) {
        if (changes.computedFromTable && !store.fromTopics()) {
            throw new ConfigUnavailableException("This router still routes by its start-up configuration: the "
                + "provider config topics have not been read, or not seeded, yet. Nothing was changed; retry in a "
                + "moment", null);
        }
        return write(changes);
    }

    /** Writes the start-up configuration into the empty topics: the one change not computed from their table. */
    Map<TopicPartition, Long> seed(final ChangeSet changes) {
        return write(changes);
    }

    private synchronized Map<TopicPartition, Long> write(final ChangeSet changes) {
        final List<RecordMetadata> written = transact(changes);
        final Map<TopicPartition, Long> ends = new HashMap<>();
        written.forEach(metadata -> ends.merge(new TopicPartition(metadata.topic(), metadata.partition()),
            metadata.offset() + 1, Math::max));
        final Map<TopicPartition, Long> versions = new HashMap<>();
        final Map<TopicPartition, Long> settings = new HashMap<>();
        for (final RecordMetadata metadata : written) {
            final Map<TopicPartition, Long> target = switch (metadata.topic()) {
                case Topics.PROVIDER_CONFIG -> versions;
                case Topics.PROVIDER_SETTINGS -> settings;
                default -> null;
            };
            if (target != null) {
                target.merge(new TopicPartition(metadata.topic(), metadata.partition()), metadata.offset() + 1, Math::max);
            }
        }
        try {
            if (!store.awaitVersionPositions(versions, timeout) || !store.awaitSettingsPositions(settings, timeout)) {
                log.warn("A committed config change was not yet applied by this router after {}", timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ends;
    }

    private List<RecordMetadata> transact(final ChangeSet changes) {
        try {
            final Producer<String, byte[]> p = producer();
            p.beginTransaction();
            final List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (final ProducerRecord<String, byte[]> record : changes.records) {
                sent.add(p.send(record));
            }
            p.commitTransaction();
            final List<RecordMetadata> metadata = new ArrayList<>();
            for (final Future<RecordMetadata> future : sent) {
                metadata.add(future.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
            }
            return metadata;
        } catch (KafkaException | ExecutionException | TimeoutException e) {
            discardProducer();
            throw new ConfigUnavailableException("Kafka did not take the change, so nothing was changed ("
                + e.getClass().getSimpleName() + "); retry when the broker is reachable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            discardProducer();
            throw new ConfigUnavailableException("Interrupted while writing the change", e);
        }
    }

    private Producer<String, byte[]> producer() {
        if (producer == null) {
            final Producer<String, byte[]> created = producers.get();
            try {
                created.initTransactions();
            } catch (KafkaException e) {
                created.close(Duration.ZERO);
                throw e;
            }
            producer = created;
        }
        return producer;
    }

    private void discardProducer() {
        if (producer != null) {
            try {
                producer.abortTransaction();
            } catch (KafkaException | IllegalStateException ignored) {
                // the transaction is gone with the producer; Kafka aborts it on timeout
            }
            producer.close(Duration.ofSeconds(1));
            producer = null;
        }
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(2));
        }
    }
}
