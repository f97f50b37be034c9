package dev.switchboard.stats.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Hands over the records of a topic stamped from {@code from} (included) to {@code to} (excluded). Records reach a
 * partition only roughly in timestamp order (each router stamps its own, and holds them back while the broker is
 * away), so each partition is read from {@link #DISORDER} before {@code from} (found with {@code offsetsForTimes})
 * until a record stamped {@link #DISORDER} past {@code to}, or the end offset it had when the read began: records
 * written while a replay runs are not waited for.
 */
final class TopicRange {

    static final Duration DISORDER = Duration.ofMinutes(10);
    private static final Duration POLL = Duration.ofMillis(500);

    private TopicRange() {
    }

    /** Hands over every record of {@code topic}, e.g. to rebuild a compacted topic's latest values. */
    static long readAll(final org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer, final String topic,
                        final Consumer<ConsumerRecord<String, byte[]>> each) {
        return read(consumer, topic, Instant.EPOCH, Instant.ofEpochMilli(Long.MAX_VALUE), each);
    }

    /** @return how many records were handed to {@code each} */
    static long read(final org.apache.kafka.clients.consumer.Consumer<String, byte[]> consumer, final String topic,
                     final Instant from, final Instant to, final Consumer<ConsumerRecord<String, byte[]>> each) {
        final List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
            .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        consumer.assign(partitions);
        final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        final Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(p -> query.put(p, Math.max(0, from.minus(DISORDER).toEpochMilli())));
        final Map<TopicPartition, Boolean> done = new HashMap<>();
        consumer.offsetsForTimes(query).forEach((partition, found) -> {
            final long start = found == null ? ends.get(partition) : found.offset();
            consumer.seek(partition, start);
            done.put(partition, start >= ends.get(partition));
        });
        final long stopAt = to.toEpochMilli() > Long.MAX_VALUE - DISORDER.toMillis() ? Long.MAX_VALUE
            : to.toEpochMilli() + DISORDER.toMillis();
        long read = 0;
        while (done.containsValue(false)) {
            for (final ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                final TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                if (done.get(partition) || record.offset() >= ends.get(partition) || record.timestamp() >= stopAt) {
                    done.put(partition, true); // well past the range, or written after the read began
                } else if (record.timestamp() >= from.toEpochMilli() && record.timestamp() < to.toEpochMilli()) {
                    read++;
                    each.accept(record);
                }
            }
            for (final TopicPartition partition : partitions) {
                if (!done.get(partition) && consumer.position(partition) >= ends.get(partition)) {
                    done.put(partition, true);
                }
            }
        }
        consumer.unsubscribe();
        return read;
    }
}
