package dev.switchboard.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.common.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BoundedEventPublisherTest {

    private static final Duration MAX_AGE = Duration.ofMinutes(5);

    private final MutableClock clock = new MutableClock();
    private final Broker producer = new Broker();
    private final BoundedEventPublisher<String> publisher = new BoundedEventPublisher<>("events", producer, 100,
        MAX_AGE, clock);

    @AfterEach
    void close() {
        publisher.close(Duration.ofMillis(200));
    }

    @Test
    void shouldHoldEventsWhileKafkaIsAwayAndSendThemInOrderOnceItIsBack() {
        producer.away = true;
        for (int i = 0; i < 5; i++) {
            publisher.offer("k" + i, "v" + i, clock.instant());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.refusals.get() >= 3);
        assertThat(publisher.dropped()).as("nothing lost while Kafka is away").isZero();
        assertThat(publisher.delivered()).isZero();

        producer.away = false;
        await().atMost(Duration.ofSeconds(10)).until(() -> publisher.delivered() == 5);
        assertThat(producer.history()).extracting(ProducerRecord::key).containsExactly("k0", "k1", "k2", "k3", "k4");
        assertThat(publisher.dropped()).isZero();
    }

    @Test
    void shouldDropAndCountAnEventThatWaitedLongerThanTheDeliveryTimeout() {
        producer.away = true;
        publisher.offer("old", "v", clock.instant());
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.refusals.get() >= 1);
        clock.advance(MAX_AGE.plusSeconds(1));
        publisher.offer("new", "v", clock.instant());
        await().atMost(Duration.ofSeconds(10)).until(() -> publisher.dropped() == 1);

        producer.away = false;
        await().atMost(Duration.ofSeconds(10)).until(() -> publisher.delivered() == 1);
        assertThat(producer.history()).extracting(ProducerRecord::key).containsExactly("new");
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        publisher.bindTo(registry);
        assertThat(registry.get("switchboard.events.dropped").tag("reason", "expired").functionCounter().count())
            .isEqualTo(1);
    }

    @Test
    void shouldCountTheEventsStillHeldAtShutdownAsDropped() {
        producer.away = true;
        for (int i = 0; i < 3; i++) {
            publisher.offer("k" + i, "v" + i, clock.instant());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.refusals.get() >= 1);
        publisher.close(Duration.ofMillis(200));
        assertThat(publisher.dropped()).isEqualTo(3);
        assertThat(publisher.offer("late", "v", clock.instant())).as("closed").isFalse();
        assertThat(publisher.dropped()).isEqualTo(4);
    }

    /**
     * A producer whose broker can be away: then, as KafkaProducer does when {@code max.block.ms} passes without the
     * partition's leader, it calls back at once, within {@code send}, with a TimeoutException.
     */
    private static final class Broker extends MockProducer<String, String> {

        private volatile boolean away;
        private final AtomicInteger refusals = new AtomicInteger();

        private Broker() {
            super(true, null, new StringSerializer(), new StringSerializer());
        }

        @Override
        public synchronized Future<RecordMetadata> send(final ProducerRecord<String, String> record,
                                                        final Callback callback) {
            if (!away) {
                return super.send(record, callback);
            }
            refusals.incrementAndGet();
            final TimeoutException refused = new TimeoutException("Topic events not present in metadata after 0 ms.");
            callback.onCompletion(null, refused);
            return CompletableFuture.failedFuture(refused);
        }
    }
}
