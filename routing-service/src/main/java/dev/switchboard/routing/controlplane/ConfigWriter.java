package dev.switchboard.routing.controlplane;

import dev.switchboard.events.AlertChannel;
import dev.switchboard.events.AlertRule;
import dev.switchboard.events.ChangeProposal;
import dev.switchboard.events.ConfigChange;
import dev.switchboard.events.Experiment;
import dev.switchboard.events.ExperimentFeedback;
import dev.switchboard.events.ProviderSettings;
import dev.switchboard.events.ProviderSnapshot;
import dev.switchboard.events.ProviderVersion;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
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
        /** Made when written: an audit record gets the provider's configuration after the change first. */
        private final List<Supplier<ProducerRecord<String, byte[]>>> records = new ArrayList<>();
        private final ConfigEvents events;
        /** Versions, settings and rollout plans (whose baseline is the default) are computed from the table. */
        private boolean computedFromTable;
        /** Per provider: the versions put (by version name) or deleted (null), and the settings put. */
        private final Map<String, Map<String, ProviderVersion>> versionsWritten = new LinkedHashMap<>();
        private final Map<String, ProviderSettings> settingsWritten = new LinkedHashMap<>();
        /** Per provider, its last audit record in this change: the one that carries the provider's snapshot. */
        private final Map<String, ConfigChange> lastAudit = new LinkedHashMap<>();

        private ChangeSet(final ConfigEvents events) {
            this.events = events;
        }

        public ChangeSet putVersion(final VersionConfig version) {
            computedFromTable = true;
            final ProviderVersion event = events.toEvent(version);
            versionsWritten.computeIfAbsent(version.key().provider(), k -> new LinkedHashMap<>())
                .put(version.version(), event);
            return add(Topics.PROVIDER_CONFIG, version.key().toString(),
                EventSerdes.providerVersion().serialize(Topics.PROVIDER_CONFIG, event));
        }

        public ChangeSet deleteVersion(final VersionKey version) {
            computedFromTable = true;
            versionsWritten.computeIfAbsent(version.provider(), k -> new LinkedHashMap<>()).put(version.version(), null);
            return add(Topics.PROVIDER_CONFIG, version.toString(), null);
        }

        public ChangeSet putPolicy(final String category, final String name, final ProviderPolicy policy,
                                   final Instant now) {
            computedFromTable = true;
            final ProviderSettings event = ConfigEvents.toEvent(category, name, policy, now);
            settingsWritten.put(category + "/" + name, event);
            return add(Topics.PROVIDER_SETTINGS, category + "/" + name,
                EventSerdes.providerSettings().serialize(Topics.PROVIDER_SETTINGS, event));
        }

        public ChangeSet putExperiment(final Experiment experiment) {
            return add(Topics.EXPERIMENTS, experiment.getName(),
                EventSerdes.experiment().serialize(Topics.EXPERIMENTS, experiment));
        }

        public ChangeSet putModel(final RegisteredModel model) {
            return add(Topics.MODEL_REGISTRY, model.getModelId(),
                EventSerdes.registeredModel().serialize(Topics.MODEL_REGISTRY, model));
        }

        public ChangeSet putRollout(final Rollout rollout) {
            computedFromTable = true;
            return add(Topics.ROLLOUTS, rollout.getId(), EventSerdes.rollout().serialize(Topics.ROLLOUTS, rollout));
        }

        public ChangeSet putRolloutDecision(final RolloutDecision decision) {
            return add(Topics.ROLLOUT_DECISIONS, decision.getRolloutId(),
                EventSerdes.rolloutDecision().serialize(Topics.ROLLOUT_DECISIONS, decision));
        }

        public ChangeSet putAlertRule(final AlertRule rule) {
            return add(Topics.ALERT_RULES, rule.getRuleId(), EventSerdes.alertRule().serialize(Topics.ALERT_RULES, rule));
        }

        public ChangeSet deleteAlertRule(final String id) {
            return add(Topics.ALERT_RULES, id, null);
        }

        public ChangeSet putAlertChannel(final AlertChannel channel) {
            return add(Topics.ALERT_CHANNELS, channel.getChannelId(),
                EventSerdes.alertChannel().serialize(Topics.ALERT_CHANNELS, channel));
        }

        public ChangeSet deleteAlertChannel(final String id) {
            return add(Topics.ALERT_CHANNELS, id, null);
        }

        public ChangeSet putProposal(final ChangeProposal proposal) {
            return add(Topics.CHANGE_PROPOSALS, proposal.getId(),
                EventSerdes.changeProposal().serialize(Topics.CHANGE_PROPOSALS, proposal));
        }

        /** A client's score: not configuration, but written as surely (acknowledged, or an error). */
        public ChangeSet putFeedback(final ExperimentFeedback feedback) {
            return add(Topics.EXPERIMENT_FEEDBACK, feedback.getRequestId(),
                EventSerdes.experimentFeedback().serialize(Topics.EXPERIMENT_FEEDBACK, feedback));
        }

        /** @param provider {@code category/name}: the audit topic's key, and whose history the change is part of */
        public ChangeSet audit(final ConfigChange change, final String provider) {
            lastAudit.put(provider, change);
            records.add(auditRecord(change, provider));
            return this;
        }

        /**
         * An audit record to come before the change's own, such as the approval a change is applied on; the
         * provider's snapshot stays with the change's own record.
         */
        public ChangeSet auditFirst(final ConfigChange change, final String provider) {
            lastAudit.putIfAbsent(provider, change);
            records.add(0, auditRecord(change, provider));
            return this;
        }

        /** Serialized when written, so that the provider's snapshot can be set on it until then. */
        private static Supplier<ProducerRecord<String, byte[]>> auditRecord(final ConfigChange change,
                                                                            final String provider) {
            if (change.getChangeId() == null) {
                change.setChangeId(UUID.randomUUID().toString());
            }
            return () -> new ProducerRecord<>(Topics.CONFIG_AUDIT, provider,
                EventSerdes.configChange().serialize(Topics.CONFIG_AUDIT, change));
        }

        public boolean isEmpty() {
            return records.isEmpty();
        }

        /**
         * Gives the last audit record of each provider whose versions or settings this change writes the provider's
         * configuration after it: {@code configured} as the topics hold it now, with this change's records laid over.
         */
        private void recordSnapshots(final Function<String, ProviderSnapshot> configured) {
            lastAudit.forEach((provider, audit) -> {
                final Map<String, ProviderVersion> versions = versionsWritten.getOrDefault(provider, Map.of());
                if (versions.isEmpty() && !settingsWritten.containsKey(provider)) {
                    return;
                }
                final ProviderSnapshot before = configured.apply(provider);
                final Map<String, ProviderVersion> after = new TreeMap<>();
                before.getVersions().forEach(v -> after.put(v.getVersion(), v));
                versions.forEach((version, event) -> {
                    if (event == null) {
                        after.remove(version);
                    } else {
                        after.put(version, event);
                    }
                });
                audit.setSnapshot(new ProviderSnapshot(new ArrayList<>(after.values()),
                    settingsWritten.getOrDefault(provider, before.getSettings())));
            });
        }

        private ChangeSet add(final String topic, final String key, final byte[] value) {
            final ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
            records.add(() -> record);
            return this;
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
        changes.recordSnapshots(store::configured);
        return write(changes);
    }

    /** Writes the start-up configuration into the empty topics: the one change not computed from their table. */
    Map<TopicPartition, Long> seed(final ChangeSet changes) {
        changes.recordSnapshots(provider -> new ProviderSnapshot(List.of(), null));
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
            for (final Supplier<ProducerRecord<String, byte[]>> record : changes.records) {
                sent.add(p.send(record.get()));
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
