package dev.switchboard.schemas;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/** How one topic is created: partitions, replication and the topic-level configs that make it retained or compacted. */
public record TopicSpec(String name, int partitions, short replicationFactor, Map<String, String> configs) {

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        if (partitions < 1) {
            throw new IllegalArgumentException("topic " + name + " needs at least one partition, got " + partitions);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("topic " + name + " needs a replication factor >= 1, got " + replicationFactor);
        }
        configs = Map.copyOf(configs);
    }

    public static TopicSpec retained(final String name, final int partitions, final short replicationFactor,
                                     final Duration retention) {
        return new TopicSpec(name, partitions, replicationFactor, Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
            TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis())));
    }

    public static TopicSpec compacted(final String name, final int partitions, final short replicationFactor) {
        return new TopicSpec(name, partitions, replicationFactor, Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
            // Tombstones must outlive a router's restart so deletions are seen by every instance.
            TopicConfig.DELETE_RETENTION_MS_CONFIG, Long.toString(Duration.ofDays(1).toMillis())));
    }

    public boolean compacted() {
        return TopicConfig.CLEANUP_POLICY_COMPACT.equals(configs.get(TopicConfig.CLEANUP_POLICY_CONFIG));
    }

    public NewTopic toNewTopic() {
        return new NewTopic(name, partitions, replicationFactor).configs(configs);
    }
}
