package dev.switchboard.routing.kafka;

import dev.switchboard.common.kafka.CompactedTopicView;
import dev.switchboard.events.AlertChannel;
import dev.switchboard.events.AlertEvent;
import dev.switchboard.events.AlertRule;
import dev.switchboard.events.ChangeProposal;
import dev.switchboard.events.Experiment;
import dev.switchboard.events.RegisteredModel;
import dev.switchboard.events.Rollout;
import dev.switchboard.events.RolloutDecision;
import dev.switchboard.routing.admin.ConfigLog;
import dev.switchboard.routing.controlplane.ConfigWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * The configuration log on Kafka: changes through the transactional {@link ConfigWriter}, definitions from the
 * compacted topics' views. Read-your-writes: after a commit, each view that the change wrote to is awaited up to
 * the offsets written.
 */
final class KafkaConfigLog implements ConfigLog {

    private static final Duration SEEN_TIMEOUT = Duration.ofSeconds(5);

    private final ConfigWriter writer;
    private final View<Experiment> experiments;
    private final View<RegisteredModel> models;
    private final View<Rollout> rollouts;
    private final View<RolloutDecision> rolloutDecisions;
    private final View<AlertRule> alertRules;
    private final View<AlertChannel> alertChannels;
    private final View<AlertEvent> alerts;
    private final View<ChangeProposal> proposals;

    KafkaConfigLog(final ConfigWriter writer, final CompactedTopicView<Experiment> experiments,
                   final CompactedTopicView<RegisteredModel> models, final CompactedTopicView<Rollout> rollouts,
                   final CompactedTopicView<RolloutDecision> rolloutDecisions, final Alerting alerting,
                   final CompactedTopicView<ChangeProposal> proposals) {
        this.writer = writer;
        this.experiments = new View<>(experiments);
        this.models = new View<>(models);
        this.rollouts = new View<>(rollouts);
        this.rolloutDecisions = new View<>(rolloutDecisions);
        this.alertRules = new View<>(alerting.rules());
        this.alertChannels = new View<>(alerting.channels());
        this.alerts = new View<>(alerting.alerts());
        this.proposals = new View<>(proposals);
    }

    @Override
    public ConfigWriter.ChangeSet changes() {
        return writer.changes();
    }

    @Override
    public void commit(final ConfigWriter.ChangeSet changes) {
        writer.commit(changes);
    }

    @Override
    public void commitAndSee(final ConfigWriter.ChangeSet changes) {
        final Map<TopicPartition, Long> written = writer.commit(changes);
        try {
            for (final View<?> view : List.of(experiments, models, rollouts, rolloutDecisions, alertRules, alertChannels,
                proposals)) {
                view.await(written);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public Definitions<Experiment> experiments() {
        return experiments;
    }

    @Override
    public Definitions<RegisteredModel> models() {
        return models;
    }

    @Override
    public Definitions<Rollout> rollouts() {
        return rollouts;
    }

    @Override
    public Definitions<RolloutDecision> rolloutDecisions() {
        return rolloutDecisions;
    }

    @Override
    public Definitions<AlertRule> alertRules() {
        return alertRules;
    }

    @Override
    public Definitions<AlertChannel> alertChannels() {
        return alertChannels;
    }

    @Override
    public Definitions<AlertEvent> alerts() {
        return alerts;
    }

    @Override
    public Definitions<ChangeProposal> proposals() {
        return proposals;
    }

    /** The alerting topics' views: rules, channels and the rules' transitions. */
    record Alerting(CompactedTopicView<AlertRule> rules, CompactedTopicView<AlertChannel> channels,
                    CompactedTopicView<AlertEvent> alerts) implements AutoCloseable {

        @Override
        public void close() {
            rules.close();
            channels.close();
            alerts.close();
        }
    }

    private record View<V>(CompactedTopicView<V> view) implements Definitions<V> {

        @Override
        public Map<String, V> snapshot() {
            return view.snapshot();
        }

        @Override
        public Optional<V> get(final String key) {
            return view.get(key);
        }

        @Override
        public boolean awaitCaughtUp(final Duration timeout) throws InterruptedException {
            return view.awaitCaughtUp(timeout);
        }

        /** Waits until this view has read what was written to its topic, if anything was. */
        void await(final Map<TopicPartition, Long> written) throws InterruptedException {
            final Map<TopicPartition, Long> mine = new HashMap<>();
            written.forEach((partition, end) -> {
                if (partition.topic().equals(view.topic())) {
                    mine.put(partition, end);
                }
            });
            if (!mine.isEmpty()) {
                view.awaitPositions(mine, SEEN_TIMEOUT);
            }
        }
    }
}
