package dev.switchboard.common.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an in-memory copy of a compacted topic (latest value per key, tombstones delete) and tells a listener
 * of every change. Each instance reads every partition from the beginning without a consumer group, so every
 * router or prober instance sees the whole table. A record that does not decode is logged, counted and skipped.
 */
public final class CompactedTopicView<V> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CompactedTopicView.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration RETRY = Duration.ofMillis(500);

    /** Makes a view that tells {@code listener} of every change; the caller starts it. */
    @FunctionalInterface
    public interface Factory<V> {
        CompactedTopicView<V> create(Listener<V> listener);
    }

    /** Told of each change, on the view's own thread, in topic order per key. */
    @FunctionalInterface
    public interface Listener<V> {
        /** @param value the new value, or null when the key was deleted */
        void onChange(String key, V value);
    }

    private final String topic;
    private final Supplier<Consumer<String, V>> consumerFactory;
    private final Listener<V> listener;
    private final Map<String, V> latest = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private final Object progress = new Object();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Thread reader;
    private volatile Consumer<String, V> consumer;
    private volatile boolean closed;
    private volatile long skipped;
    private volatile long failures;

    public CompactedTopicView(final String topic, final Supplier<Consumer<String, V>> consumerFactory,
                              final Listener<V> listener) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.consumerFactory = Objects.requireNonNull(consumerFactory, "consumerFactory");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.reader = Thread.ofPlatform().daemon().name("view-" + topic).unstarted(this::run);
    }

    /**
     * Consumer settings every view needs on top of the connection settings: no group (each instance reads every
     * partition), no commits, from the beginning, and never auto-creating the topic with the broker's defaults.
     */
    public static Map<String, Object> consumerConfig(final Map<String, Object> connection, final String clientId) {
        final Map<String, Object> config = new HashMap<>(connection);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100); // changes must reach readers fast
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // config changes are transactions
        return config;
    }

    public CompactedTopicView<V> start() {
        reader.start();
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

    /** How many times reading failed and started again. */
    public long readFailures() {
        return failures;
    }

    /**
     * Reads until closed. Should reading fail (the broker unreachable when the end offsets are asked, an error
     * from a poll), the view logs it and starts again with a new consumer where it had got to, rather than stop:
     * a router whose view stopped would route by a stale table without knowing.
     */
    private void run() {
        while (!closed) {
            try (Consumer<String, V> c = consumerFactory.get()) {
                consumer = c;
                if (!closed) {
                    read(c);
                }
            } catch (RuntimeException e) { // a WakeupException too: after close() it ends the loop, else it is a failure
                if (!closed) {
                    retryAfter(e);
                }
            }
        }
    }

    private void read(final Consumer<String, V> c) {
        final List<TopicPartition> partitions = awaitPartitions(c);
        if (partitions.isEmpty()) {
            return;
        }
        c.assign(partitions);
        resume(c, partitions);
        final Map<TopicPartition, Long> endAtStart = caughtUp.getCount() > 0
            ? new HashMap<>(c.endOffsets(partitions)) : Map.of();
        while (!closed) {
            pollOnce(c);
            recordPositions(c, partitions);
            if (caughtUp.getCount() > 0 && reached(c, endAtStart)) {
                caughtUp.countDown();
                log.info("Caught up with {}: {} live keys", topic, latest.size());
            }
        }
    }

    /** From the beginning the first time; after a failure, each partition from where the view had got to. */
    private void resume(final Consumer<String, V> c, final List<TopicPartition> partitions) {
        final List<TopicPartition> unread = partitions.stream().filter(p -> !positions.containsKey(p)).toList();
        partitions.stream().filter(positions::containsKey).forEach(p -> c.seek(p, positions.get(p)));
        if (!unread.isEmpty()) {
            c.seekToBeginning(unread); // an empty collection would mean every assigned partition
        }
        log.info("Reading {} ({} partitions) {}", topic, partitions.size(),
            unread.size() == partitions.size() ? "from the beginning" : "from where it had got to");
    }

    private void retryAfter(final RuntimeException failure) {
        failures++;
        log.warn("Reading {} failed ({}); reading on in {} ms with a new consumer", topic, failure.toString(),
            RETRY.toMillis());
        log.debug("Reading {} failed", topic, failure); // the trace only on demand: a long outage repeats it
        try {
            Thread.sleep(RETRY.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    private List<TopicPartition> awaitPartitions(final Consumer<String, V> c) {
        while (!closed) {
            try {
                final List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(5));
                if (infos != null && !infos.isEmpty()) {
                    return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                }
                if (closed) {
                    break;
                }
                log.info("Waiting for topic {} to be created", topic);
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                log.info("Waiting for topic {} to be reachable: {}", topic, e.getMessage());
            }
            try {
                Thread.sleep(RETRY.toMillis()); // back off before asking the broker again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return List.of();
    }

    private void pollOnce(final Consumer<String, V> c) {
        final ConsumerRecords<String, V> records;
        try {
            records = c.poll(POLL);
        } catch (RecordDeserializationException e) {
            skipped++;
            log.warn("Skipping an undecodable record in {} at {}@{}: {}", topic, e.topicPartition(), e.offset(),
                e.getMessage());
            c.seek(e.topicPartition(), e.offset() + 1);
            return;
        }
        for (final ConsumerRecord<String, V> record : records) {
            if (record.key() == null) {
                skipped++;
                continue;
            }
            if (record.value() == null) {
                latest.remove(record.key());
            } else {
                latest.put(record.key(), record.value());
            }
            try {
                listener.onChange(record.key(), record.value());
            } catch (RuntimeException e) {
                log.error("A listener of {} failed on key {}: {}", topic, record.key(), e.toString(), e);
            }
        }
    }

    private void recordPositions(final Consumer<String, V> c, final List<TopicPartition> partitions) {
        for (final TopicPartition partition : partitions) {
            positions.put(partition, c.position(partition));
        }
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    private static boolean reached(final Consumer<String, ?> c, final Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue());
    }

    @Override
    public void close() {
        closed = true;
        final Consumer<String, V> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            reader.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
