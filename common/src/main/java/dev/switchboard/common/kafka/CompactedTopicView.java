package dev.switchboard.common.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an in-memory copy of a compacted topic (latest value per key, tombstones delete) and tells a listener
 * of every change. Its topic is read by the {@link CompactedTopics} that made it, with the other views of that
 * process, every partition from the beginning and without a consumer group, so every router or prober instance
 * sees the whole table. A record that does not decode is logged, counted and skipped.
 */
public final class CompactedTopicView<V> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CompactedTopicView.class);

    /** Makes a view that tells {@code listener} of every change; the caller starts it. */
    @FunctionalInterface
    public interface Factory<V> {
        CompactedTopicView<V> create(Listener<V> listener);
    }

    /**
     * Told of each change, on the reader's thread, in topic order per key. It must not block: the reader reads every
     * other view of its process on that thread too.
     */
    @FunctionalInterface
    public interface Listener<V> {
        /** @param value the new value, or null when the key was deleted */
        void onChange(String key, V value);
    }

    private final CompactedTopics reader;
    private final String topic;
    private final Deserializer<V> values;
    private final Listener<V> listener;
    private final Map<String, V> latest = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private final Object progress = new Object();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile long skipped;

    CompactedTopicView(final CompactedTopics reader, final String topic, final Deserializer<V> values,
                       final Listener<V> listener) {
        this.reader = Objects.requireNonNull(reader, "reader");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.values = Objects.requireNonNull(values, "values");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Has the reader read this view's topic, from the beginning the first time. */
    public CompactedTopicView<V> start() {
        reader.follow(this);
        return this;
    }

    public String topic() {
        return topic;
    }

    /** The latest value of every live key. */
    public Map<String, V> snapshot() {
        return Map.copyOf(latest);
    }

    /** The latest value of one key, without copying the table. */
    public Optional<V> get(final String key) {
        return Optional.ofNullable(latest.get(key));
    }

    public boolean isCaughtUp() {
        return caughtUp.getCount() == 0;
    }

    /** Waits until everything that was in the topic when the view started has been read. */
    public boolean awaitCaughtUp(final Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Waits until the view has applied every record before {@code offsets} (partition to next offset), e.g.
     * the offsets just written, so a writer reads its own writes.
     */
    public boolean awaitPositions(final Map<TopicPartition, Long> offsets, final Duration timeout)
        throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (!offsets.entrySet().stream()
                    .allMatch(e -> positions.getOrDefault(e.getKey(), -1L) >= e.getValue())) {
                final long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                progress.wait(Math.max(1, left / 1_000_000));
            }
        }
        return true;
    }

    public long skippedRecords() {
        return skipped;
    }

    /** How many times reading failed and started again: the reader's, which reads every view of its process. */
    public long readFailures() {
        return reader.readFailures();
    }

    /** Where the view had got to in {@code partition}, or null when it has not read it yet. */
    Long position(final TopicPartition partition) {
        return positions.get(partition);
    }

    /** Applies one record of the topic, on the reader's thread. */
    void apply(final ConsumerRecord<String, byte[]> record) {
        if (record.key() == null) {
            skip(record, "it has no key");
            return;
        }
        final V value;
        try {
            value = record.value() == null ? null : values.deserialize(topic, record.headers(), record.value());
        } catch (RuntimeException e) { // Kafka's SerializationException, or whatever else a deserializer throws
            skip(record, e.toString());
            return;
        }
        if (value == null) {
            latest.remove(record.key());
        } else {
            latest.put(record.key(), value);
        }
        try {
            listener.onChange(record.key(), value);
        } catch (RuntimeException e) {
            log.error("A listener of {} failed on key {}: {}", topic, record.key(), e.toString(), e);
        }
    }

    /** Counts a record of the topic that could not be read at all (a key that does not decode). */
    void skip(final TopicPartition partition, final long offset, final String why) {
        skipped++;
        log.warn("Skipping a record in {} at {}@{}: {}", topic, partition, offset, why);
    }

    private void skip(final ConsumerRecord<String, byte[]> record, final String why) {
        skip(new TopicPartition(record.topic(), record.partition()), record.offset(), why);
    }

    /** Records where the reader has got to, and wakes whoever waits for it. */
    void advance(final Map<TopicPartition, Long> reached) {
        positions.putAll(reached);
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    void caughtUp() {
        if (caughtUp.getCount() > 0) {
            caughtUp.countDown();
            log.info("Caught up with {}: {} live keys", topic, latest.size());
        }
    }

    /** Stops following the topic; what was read stays readable. */
    @Override
    public void close() {
        reader.unfollow(this);
    }
}
