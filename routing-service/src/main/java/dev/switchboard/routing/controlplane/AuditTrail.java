package dev.switchboard.routing.controlplane;

import dev.switchboard.events.ConfigChange;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the newest configuration changes from the audit topic ({@link Topics#CONFIG_AUDIT}) when asked: the last
 * {@code limit} records of each partition, newest first across partitions. Each read uses a consumer of its own,
 * assigned (no group), so reading the trail leaves nothing behind on the broker. A record that does not decode is
 * counted, not shown and not fatal.
 */
public final class AuditTrail {

    private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);

    /** The changes found, newest first, and how many records could not be decoded. */
    public record Found(List<ConfigChange> changes, long undecodable) {
    }

    private final Supplier<Consumer<String, byte[]>> consumers;
    private final Duration timeout;
    private final Deserializer<ConfigChange> decoder = EventSerdes.configChange().deserializer();

    public AuditTrail(final Supplier<Consumer<String, byte[]>> consumers, final Duration timeout) {
        this.consumers = consumers;
        this.timeout = timeout;
    }

    /**
     * @param limit the most changes answered (and read from each partition)
     * @param which the changes wanted, say of one subject
     * @throws ConfigUnavailableException when Kafka does not answer within the timeout
     */
    public Found newest(final int limit, final Predicate<ConfigChange> which) {
        return read(limit, limit, which);
    }

    /**
     * Reads the whole topic, for the history of one subject however far back it goes.
     *
     * @param limit the most changes answered, the newest of those wanted
     * @throws ConfigUnavailableException when Kafka does not answer, or the topic is not read, within the timeout
     */
    public Found all(final int limit, final Predicate<ConfigChange> which) {
        return read(Long.MAX_VALUE, limit, which);
    }

    /** @param depth how many of the newest records of each partition are read */
    private Found read(final long depth, final int limit, final Predicate<ConfigChange> which) {
        final Instant deadline = Instant.now().plus(timeout);
        try (Consumer<String, byte[]> consumer = consumers.get()) {
            final List<TopicPartition> partitions = new ArrayList<>();
            for (final PartitionInfo info : consumer.partitionsFor(Topics.CONFIG_AUDIT, timeout)) {
                partitions.add(new TopicPartition(info.topic(), info.partition()));
            }
            consumer.assign(partitions);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            final Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions, timeout);
            final Map<TopicPartition, Long> remaining = new HashMap<>();
            for (final TopicPartition partition : partitions) {
                final long end = ends.get(partition);
                consumer.seek(partition, Math.max(begins.get(partition), end - Math.min(depth, end)));
                if (end > begins.get(partition)) {
                    remaining.put(partition, end);
                }
            }
            final List<ConfigChange> found = new ArrayList<>();
            long undecodable = 0;
            while (!remaining.isEmpty()) {
                if (Instant.now().isAfter(deadline)) {
                    throw new ConfigUnavailableException("the audit topic was not read to its end within " + timeout, null);
                }
                for (final ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    final Optional<ConfigChange> change = decode(record);
                    if (change.isEmpty()) {
                        undecodable++;
                    } else if (which.test(change.get())) {
                        found.add(change.get());
                    }
                }
                // Transaction markers take offsets too: done once the position passed the end seen at the start.
                remaining.keySet().removeIf(partition -> consumer.position(partition) >= remaining.get(partition));
            }
            // Newest first: in the order written within a partition (a change's records share one transaction, an
            // approval first, though its clock was read after the change's), by time across partitions.
            Collections.reverse(found);
            if (partitions.size() > 1) {
                found.sort(Comparator.comparing(ConfigChange::getAt).reversed());
            }
            return new Found(List.copyOf(found.subList(0, Math.min(limit, found.size()))), undecodable);
        } catch (KafkaException e) {
            throw new ConfigUnavailableException("the audit topic could not be read: " + e.getMessage(), e);
        }
    }

    private Optional<ConfigChange> decode(final ConsumerRecord<String, byte[]> record) {
        try {
            return Optional.ofNullable(record.value()).map(value -> decoder.deserialize(record.topic(), value));
        } catch (RuntimeException e) {
            log.debug("Skipping undecodable audit record at {}-{}@{}: {}", record.topic(), record.partition(),
                record.offset(), e.toString());
            return Optional.empty();
        }
    }
}
