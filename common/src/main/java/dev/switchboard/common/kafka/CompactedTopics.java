package dev.switchboard.common.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every compacted topic a process keeps a {@link CompactedTopicView} of, with one consumer on one thread.
 * A router follows a dozen such topics; a consumer for each had cost a dozen threads, a dozen connections to each
 * broker and a dozen fetches every {@code fetch.max.wait.ms}, per router, for topics that rarely change. Views may
 * come and go while it reads: a view of a topic that does not exist yet waits for it without holding back the
 * others. Should reading fail (the broker unreachable when the end offsets are asked, an error from a poll), the
 * reader logs it and starts again with a new consumer, each view from where it had got to, rather than stop: a
 * router whose views stopped would route by a stale table without knowing.
 */
public final class CompactedTopics implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CompactedTopics.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration RETRY = Duration.ofMillis(500);
    private static final Duration METADATA_WAIT = Duration.ofSeconds(5);

    /** A followed view as this consumer reads it: its partitions, and its topic's end when it started. */
    private record Reading(CompactedTopicView<?> view, List<TopicPartition> partitions,
                           Map<TopicPartition, Long> endAtStart) {
    }

    private final Supplier<Consumer<String, byte[]>> consumerFactory;
    private final Map<String, CompactedTopicView<?>> followed = new ConcurrentHashMap<>();
    /** Topics followed but not there when last asked, and when to ask again; the reader's thread's only. */
    private final Map<String, Long> missing = new HashMap<>();
    private final Thread reader;
    private volatile Consumer<String, byte[]> consumer;
    private volatile boolean closed;
    private volatile long failures;

    /**
     * @param name            names the reader's thread ({@code views-<name>})
     * @param consumerFactory a consumer configured by {@link #consumerConfig}; a new one after a failure
     */
    public CompactedTopics(final String name, final Supplier<Consumer<String, byte[]>> consumerFactory) {
        this.consumerFactory = Objects.requireNonNull(consumerFactory, "consumerFactory");
        this.reader = Thread.ofPlatform().daemon().name("views-" + name).unstarted(this::run);
    }

    /**
     * Consumer settings every reader needs on top of the connection settings: no group (each instance reads every
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

    /** A view of {@code topic}, read once it is started; one view per topic and reader. */
    public <V> CompactedTopicView<V> view(final String topic, final Deserializer<V> values,
                                          final CompactedTopicView.Listener<V> listener) {
        return new CompactedTopicView<>(this, topic, values, listener);
    }

    public CompactedTopics start() {
        reader.start();
        return this;
    }

    /** The topics of the views that have not caught up yet, by name: what a reader still has to read. */
    public List<String> unread() {
        return followed.values().stream().filter(view -> !view.isCaughtUp()).map(CompactedTopicView::topic).sorted()
            .toList();
    }

    /** How many times reading failed and started again with a new consumer. */
    public long readFailures() {
        return failures;
    }

    void follow(final CompactedTopicView<?> view) {
        final CompactedTopicView<?> other = followed.putIfAbsent(view.topic(), view);
        if (other != null && other != view) {
            throw new IllegalStateException("This reader already has a view of " + view.topic());
        }
        LockSupport.unpark(reader);
    }

    void unfollow(final CompactedTopicView<?> view) {
        followed.remove(view.topic(), view);
    }

    private void run() {
        while (!closed) {
            try (Consumer<String, byte[]> c = consumerFactory.get()) {
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

    private void read(final Consumer<String, byte[]> c) {
        final Map<String, Reading> reading = new HashMap<>();
        while (!closed) {
            followChanges(c, reading);
            if (reading.isEmpty()) {
                LockSupport.parkNanos(POLL.toNanos()); // nothing to read yet: no view, or none of their topics
                continue;
            }
            pollOnce(c, reading);
            recordProgress(c, reading);
        }
    }

    /**
     * Stops reading the topics of closed views and takes on those of views followed since (a missing topic is
     * asked for again only after a pause), reassigning the consumer when either changed.
     */
    private void followChanges(final Consumer<String, byte[]> c, final Map<String, Reading> reading) {
        final boolean dropped = reading.values().removeIf(r -> followed.get(r.view().topic()) != r.view());
        final long now = System.nanoTime();
        final Map<CompactedTopicView<?>, List<TopicPartition>> added = new HashMap<>();
        followed.values().stream()
            .filter(view -> !reading.containsKey(view.topic()))
            .filter(view -> now - missing.getOrDefault(view.topic(), now) >= 0)
            .forEach(view -> partitions(c, view.topic()).ifPresent(partitions -> added.put(view, partitions)));
        if (dropped || !added.isEmpty()) {
            c.assign(Stream.concat(reading.values().stream().map(Reading::partitions), added.values().stream())
                .flatMap(List::stream).toList());
            added.forEach((view, partitions) ->
                reading.put(view.topic(), new Reading(view, partitions, resume(c, view, partitions))));
        }
    }

    /** Tells each view where the consumer has got to in its topic, and whether it has caught up with it. */
    private static void recordProgress(final Consumer<String, byte[]> c, final Map<String, Reading> reading) {
        for (final Reading r : reading.values()) {
            final Map<TopicPartition, Long> reached = new HashMap<>();
            r.partitions().forEach(partition -> reached.put(partition, c.position(partition)));
            r.view().advance(reached);
            if (!r.view().isCaughtUp() && r.endAtStart().entrySet().stream()
                    .allMatch(end -> reached.get(end.getKey()) >= end.getValue())) {
                r.view().caughtUp();
            }
        }
    }

    /** The topic's partitions, or none yet when it does not exist or the broker cannot say. */
    private Optional<List<TopicPartition>> partitions(final Consumer<String, byte[]> c, final String topic) {
        try {
            final List<PartitionInfo> infos = c.partitionsFor(topic, METADATA_WAIT);
            if (infos != null && !infos.isEmpty()) {
                missing.remove(topic);
                return Optional.of(infos.stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList());
            }
            if (!missing.containsKey(topic)) {
                log.info("Waiting for topic {} to be created", topic);
            }
        } catch (TimeoutException e) {
            log.info("Waiting for topic {} to be reachable: {}", topic, e.getMessage());
        }
        missing.put(topic, System.nanoTime() + RETRY.toNanos());
        return Optional.empty();
    }

    /**
     * From the beginning the first time; after a failure, each partition from where the view had got to.
     *
     * @return where the topic ends now, which a view not caught up yet has caught up with once it gets there
     */
    private static Map<TopicPartition, Long> resume(final Consumer<String, byte[]> c,
                                                    final CompactedTopicView<?> view,
                                                    final List<TopicPartition> partitions) {
        final List<TopicPartition> unread = new ArrayList<>();
        for (final TopicPartition partition : partitions) {
            final Long position = view.position(partition);
            if (position == null) {
                unread.add(partition);
            } else {
                c.seek(partition, position);
            }
        }
        if (!unread.isEmpty()) {
            c.seekToBeginning(unread); // an empty collection would mean every assigned partition
        }
        log.info("Reading {} ({} partitions) {}", view.topic(), partitions.size(),
            unread.size() == partitions.size() ? "from the beginning" : "from where it had got to");
        return view.isCaughtUp() ? Map.of() : c.endOffsets(partitions);
    }

    private void pollOnce(final Consumer<String, byte[]> c, final Map<String, Reading> reading) {
        final ConsumerRecords<String, byte[]> records;
        try {
            records = c.poll(POLL);
        } catch (RecordDeserializationException e) { // a key that is not a string; values are decoded by the views
            final Reading r = reading.get(e.topicPartition().topic());
            if (r != null) {
                r.view().skip(e.topicPartition(), e.offset(), e.getMessage());
            }
            c.seek(e.topicPartition(), e.offset() + 1);
            return;
        }
        for (final ConsumerRecord<String, byte[]> record : records) {
            final Reading r = reading.get(record.topic());
            if (r != null) {
                r.view().apply(record);
            }
        }
    }

    private void retryAfter(final RuntimeException failure) {
        failures++;
        log.warn("Reading the compacted topics {} failed ({}); reading on in {} ms with a new consumer",
            new TreeSet<>(followed.keySet()), failure.toString(), RETRY.toMillis());
        log.debug("Reading the compacted topics failed", failure); // the trace only on demand: an outage repeats it
        try {
            Thread.sleep(RETRY.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    /** Stops reading; the views keep what they read. */
    @Override
    public void close() {
        closed = true;
        final Consumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        LockSupport.unpark(reader);
        try {
            reader.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
