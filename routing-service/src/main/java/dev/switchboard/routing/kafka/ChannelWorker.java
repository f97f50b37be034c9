package dev.switchboard.routing.kafka;

import dev.switchboard.events.AlertEvent;
import dev.switchboard.events.ExperimentAllocation;
import dev.switchboard.events.ExperimentVerdict;
import dev.switchboard.events.NotificationKind;
import dev.switchboard.events.Rollout;
import dev.switchboard.events.RolloutDecision;
import dev.switchboard.routing.notify.Backoff;
import dev.switchboard.routing.notify.Channel;
import dev.switchboard.routing.notify.ChannelSender;
import dev.switchboard.routing.notify.Notification;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers what one channel subscribes to, at least once, in each topic partition's order. The channel has its own
 * consumer group, so its offsets are its own: a receiver that is down holds back this channel only, and every
 * router shares the channel's partitions. An offset is committed only once its event is delivered (or was nothing
 * for this channel); a failed delivery rewinds to it and is tried again after the backoff, for as long as the
 * event is younger than {@code maxAge}. A new channel starts at the events since it was created.
 */
final class ChannelWorker implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(ChannelWorker.class);
    static final List<String> TOPICS = List.of(Topics.ALERTS, Topics.ROLLOUT_DECISIONS, Topics.EXPERIMENT_VERDICTS,
        Topics.EXPERIMENT_ALLOCATIONS);

    /** Counts what happens to deliveries: sent, failed (an attempt), retried (an attempt after a failure), given up. */
    interface Outcomes {
        void count(String channel, NotificationKind kind, String outcome);
    }

    private final AtomicReference<Channel> channel;
    private final Consumer<String, byte[]> consumer;
    private final ChannelSender sender;
    private final Function<String, Optional<Rollout>> rollouts;
    private final Outcomes outcomes;
    private final Backoff backoff;
    private final Duration maxAge;
    private final Clock clock;
    // Built once: a serde reads and parses its released schemas when it is made.
    private final Deserializer<AlertEvent> alerts = EventSerdes.alertEvent().deserializer();
    private final Deserializer<ExperimentVerdict> verdicts = EventSerdes.experimentVerdict().deserializer();
    private final Deserializer<ExperimentAllocation> allocations = EventSerdes.experimentAllocation().deserializer();
    private final Deserializer<RolloutDecision> decisions = EventSerdes.rolloutDecision().deserializer();
    private volatile boolean running = true;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private int failures;

    ChannelWorker(final Channel channel, final Consumer<String, byte[]> consumer, final ChannelSender sender,
                  final Function<String, Optional<Rollout>> rollouts, final Outcomes outcomes, final Backoff backoff,
                  final Duration maxAge, final Clock clock) {
        this.channel = new AtomicReference<>(channel);
        this.consumer = consumer;
        this.sender = sender;
        this.rollouts = rollouts;
        this.outcomes = outcomes;
        this.backoff = backoff;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /** A changed channel (URL, secret, subscriptions) applies from the next delivery on. */
    void update(final Channel changed) {
        channel.set(changed);
    }

    /** Stops soon: a poll in progress wakes up, a backoff in progress ends; the consumer then leaves its group. */
    void stop() {
        running = false;
        stopped.countDown();
        consumer.wakeup();
    }

    @Override
    public void run() {
        try (consumer) {
            consumer.subscribe(TOPICS, new StartAtCreation());
            while (running) {
                deliver(consumer.poll(Duration.ofMillis(500)));
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("Channel {} stopped delivering: {}", channel.get().id(), e.toString());
        }
    }

    private void deliver(final ConsumerRecords<String, byte[]> records) throws InterruptedException {
        final Set<TopicPartition> done = new HashSet<>();
        for (final TopicPartition partition : records.partitions()) {
            for (final ConsumerRecord<String, byte[]> record : records.records(partition)) {
                if (!running) {
                    return;
                }
                final Optional<Notification> notification = notification(record).filter(this::wanted);
                if (notification.isPresent() && !delivered(notification.get())) {
                    rewind(records, done, partition, record.offset());
                    stopped.await(backoff.after(failures).toMillis(), TimeUnit.MILLISECONDS);
                    return;
                }
                consumer.commitSync(Map.of(partition, new OffsetAndMetadata(record.offset() + 1)));
            }
            done.add(partition);
        }
    }

    /** @return whether the event is done with: delivered, or too old to try any longer */
    private boolean delivered(final Notification notification) {
        final Channel current = channel.get();
        final ChannelSender.Delivery result = sender.send(current, notification);
        final boolean retry = failures > 0;
        switch (result) {
            case ChannelSender.Delivery.Sent sent -> {
                outcomes.count(current.id(), notification.kind(), "sent");
                if (retry) {
                    outcomes.count(current.id(), notification.kind(), "retried");
                    log.info("Channel {} delivered {} after {} failed attempts", current.id(),
                        notification.id(), failures);
                }
                failures = 0;
                return true;
            }
            case ChannelSender.Delivery.Failed failed -> {
                outcomes.count(current.id(), notification.kind(), "failed");
                failures++;
                if (notification.occurredAt().plus(maxAge).isBefore(clock.instant())) {
                    outcomes.count(current.id(), notification.kind(), "given_up");
                    log.error("Channel {} gave {} up after {} attempts ({} old): {}", current.id(),
                        notification.id(), failures, maxAge, failed.why());
                    failures = 0;
                    return true;
                }
                log.warn("Channel {} could not deliver {} (attempt {}): {}; trying again in {}",
                    current.id(), notification.id(), failures, failed.why(), backoff.after(failures));
                return false;
            }
        }
    }

    private boolean wanted(final Notification notification) {
        return channel.get().wants(notification);
    }

    private Optional<Notification> notification(final ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return Optional.empty();
        }
        try {
            if (record.topic().equals(Topics.ALERTS)) {
                return Optional.of(Notification.of(alerts.deserialize(record.topic(), record.value())));
            }
            if (record.topic().equals(Topics.EXPERIMENT_VERDICTS)) {
                return Optional.of(Notification.of(verdicts.deserialize(record.topic(), record.value())));
            }
            if (record.topic().equals(Topics.EXPERIMENT_ALLOCATIONS)) {
                return Notification.of(allocations.deserialize(record.topic(), record.value()));
            }
            final RolloutDecision decision = decisions.deserialize(record.topic(), record.value());
            return Notification.of(decision, rollouts.apply(decision.getRolloutId()).orElse(null));
        } catch (RuntimeException e) {
            log.warn("Channel {} skips an unreadable record at {}-{}@{}: {}", channel.get().id(),
                record.topic(), record.partition(), record.offset(), e.getMessage());
            return Optional.empty();
        }
    }

    /** The failed record is next on its partition, and so is the first record of each partition not done yet. */
    private void rewind(final ConsumerRecords<String, byte[]> records, final Set<TopicPartition> done,
                        final TopicPartition failed, final long offset) {
        consumer.seek(failed, offset);
        for (final TopicPartition partition : records.partitions()) {
            if (!partition.equals(failed) && !done.contains(partition)) {
                consumer.seek(partition, records.records(partition).get(0).offset());
            }
        }
    }

    /** Partitions this channel has never committed on start at the events since the channel was created. */
    private final class StartAtCreation implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsAssigned(final Collection<TopicPartition> partitions) {
            final Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
            final Map<TopicPartition, Long> fresh = new HashMap<>();
            for (final TopicPartition partition : partitions) {
                if (committed.get(partition) == null) {
                    fresh.put(partition, channel.get().createdAt().toEpochMilli());
                }
            }
            if (fresh.isEmpty()) {
                return;
            }
            // The ends first: an event written after them is after the creation too, so where no event since the
            // creation is found, the end as it was before the search is where to start (the end after it could
            // pass over an event written in between).
            final Map<TopicPartition, Long> ends = consumer.endOffsets(fresh.keySet());
            final Map<TopicPartition, OffsetAndTimestamp> since = consumer.offsetsForTimes(fresh);
            fresh.keySet().forEach(partition -> {
                final OffsetAndTimestamp first = since.get(partition);
                consumer.seek(partition, first == null ? ends.get(partition) : first.offset());
            });
        }

        @Override
        public void onPartitionsRevoked(final Collection<TopicPartition> partitions) {
            // Offsets are committed as each event is delivered: nothing is pending here.
        }
    }
}
