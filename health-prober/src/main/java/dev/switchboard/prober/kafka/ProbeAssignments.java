package dev.switchboard.prober.kafka;

import dev.switchboard.schemas.Topics;
import dev.switchboard.schemas.VersionKey;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This prober's share of the versions, by Kafka group membership: every prober joins one consumer group on the
 * provider-config topic, and the versions in the partitions the group assigns to this instance are this
 * instance's to probe. When a prober leaves, or stops heart-beating, the group hands its partitions, and with them
 * its versions, to the others. The records are read only for their keys; offsets are never committed, so an
 * assigned partition is always read from its beginning.
 */
public final class ProbeAssignments implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProbeAssignments.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final Supplier<Consumer<String, byte[]>> consumers;
    private final String instanceId;
    /** The versions this instance owns, with the partition each came from. */
    private final Map<String, Integer> owned = new ConcurrentHashMap<>();
    private final Set<Integer> partitions = ConcurrentHashMap.newKeySet();
    private final Thread member;
    private volatile Consumer<String, byte[]> consumer;
    private volatile boolean closed;

    /** @param consumers makes the group member's consumer: group id set, auto-commit off, from the earliest */
    public ProbeAssignments(final Supplier<Consumer<String, byte[]>> consumers, final String instanceId) {
        this.consumers = consumers;
        this.instanceId = instanceId;
        this.member = Thread.ofPlatform().daemon().name("probe-assignments").unstarted(this::run);
    }

    public ProbeAssignments start() {
        member.start();
        return this;
    }

    public boolean owns(final VersionKey version) {
        return owned.containsKey(version.toString());
    }

    /** The partitions of the provider-config topic this instance owns now. */
    public Set<Integer> partitions() {
        return Set.copyOf(partitions);
    }

    private void run() {
        while (!closed) {
            try (Consumer<String, byte[]> member = consumers.get()) {
                consumer = member;
                member.subscribe(List.of(Topics.PROVIDER_CONFIG), new Rebalance(member));
                while (!closed) {
                    for (final ConsumerRecord<String, byte[]> record : member.poll(POLL)) {
                        if (record.key() == null) {
                            continue;
                        }
                        if (record.value() == null) {
                            owned.remove(record.key());
                        } else {
                            owned.put(record.key(), record.partition());
                        }
                    }
                }
            } catch (WakeupException e) {
                // closing
            } catch (RuntimeException e) {
                if (!closed) {
                    log.warn("Prober {} lost its place in the probing group ({}); joining again", instanceId,
                        e.toString());
                    dropAll();
                    pause();
                }
            }
        }
    }

    private void dropAll() {
        owned.clear();
        partitions.clear();
    }

    private static void pause() {
        try {
            Thread.sleep(POLL); // a back-off before rejoining, on this member thread only
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Keeps the owned versions in step with the partitions the group assigns. */
    private final class Rebalance implements ConsumerRebalanceListener {
        private final Consumer<String, byte[]> member;

        Rebalance(final Consumer<String, byte[]> member) {
            this.member = member;
        }

        @Override
        public void onPartitionsRevoked(final Collection<TopicPartition> revoked) {
            release(revoked);
        }

        @Override
        public void onPartitionsLost(final Collection<TopicPartition> lost) {
            release(lost);
        }

        @Override
        public void onPartitionsAssigned(final Collection<TopicPartition> assigned) {
            member.seekToBeginning(assigned);
            assigned.forEach(p -> partitions.add(p.partition()));
            if (!assigned.isEmpty()) {
                log.info("Prober {} now probes the versions of {} partition(s) of {}: {}", instanceId,
                    assigned.size(), Topics.PROVIDER_CONFIG, partitions());
            }
        }

        private void release(final Collection<TopicPartition> released) {
            final Set<Integer> gone = new HashSet<>();
            released.forEach(p -> gone.add(p.partition()));
            partitions.removeAll(gone);
            owned.values().removeIf(gone::contains);
            if (!released.isEmpty()) {
                log.info("Prober {} hands over the versions of partition(s) {}", instanceId, gone);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        final Consumer<String, byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        try {
            member.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
