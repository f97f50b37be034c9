package dev.switchboard.common.kafka;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes events to one topic without ever making the caller wait for Kafka.
 *
 * <p>{@link #offer} only puts the event in a bounded in-memory buffer and returns at once; one background
 * thread hands buffered events to the producer. That thread is never woken by an offer: when it finds the buffer
 * empty it pauses for {@link #IDLE_PAUSE} and then takes whatever came meanwhile. Woken per event, it had cost the
 * router a thread switch on almost every request (7,700 a second at 12,000 requests a second, each preempting an
 * event loop on a 2-core machine); the pause only delays events that the producer batches for longer anyway.
 * While the broker is away the producer cannot take an event (it waits for the partition's leader up to its
 * {@code max.block.ms}); the thread then keeps that event and tries it again, so the buffer holds the events of an
 * outage rather than losing them, and they go out in order when the broker is back. An event is dropped, and
 * counted by reason, only when the buffer is full, when it has waited longer than {@code maxAge} (the producer's
 * delivery timeout: past it the producer would give it up too), when the producer fails to deliver it, or when it
 * is still buffered at shutdown.
 */
public final class BoundedEventPublisher<V> implements MeterBinder, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BoundedEventPublisher.class);
    /** The pause before trying again an event the producer refused at once, so a refusal never spins. */
    private static final Duration RETRY_BACKOFF = Duration.ofMillis(100);
    /** How long the publisher's thread rests when it finds nothing to send: well under the producer's linger. */
    static final Duration IDLE_PAUSE = Duration.ofMillis(5);

    private record Pending<V>(String key, V value, long timestamp) {
    }

    private final String topic;
    private final Producer<String, V> producer;
    private final BlockingQueue<Pending<V>> buffer;
    private final int capacity;
    private final Duration maxAge;
    private final Clock clock;
    private final Thread drainer;
    private final LongAdder accepted = new LongAdder();
    private final LongAdder droppedBufferFull = new LongAdder();
    private final LongAdder deliveryFailed = new LongAdder();
    private final LongAdder expired = new LongAdder();
    private final LongAdder closedWithEvents = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final AtomicLong handOverRetries = new AtomicLong();
    private volatile boolean closing;

    /**
     * @param maxAge how long an event may wait for Kafka, its time counted from its own timestamp; the producer's
     *               {@code delivery.timeout.ms} (see {@link #deliveryTimeout}), so an event is given up at the same
     *               age whether it waited in this buffer or in the producer's
     */
    public BoundedEventPublisher(final String topic, final Producer<String, V> producer, final int capacity,
                                 final Duration maxAge, final Clock clock) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.producer = Objects.requireNonNull(producer, "producer");
        if (capacity < 1) {
            throw new IllegalArgumentException("buffer capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
        this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.buffer = new ArrayBlockingQueue<>(capacity);
        this.drainer = Thread.ofPlatform().daemon().name("publisher-" + topic).start(this::drain);
    }

    /** The {@code delivery.timeout.ms} of a producer configuration, or Kafka's default when it names none. */
    public static Duration deliveryTimeout(final Map<String, Object> producerConfig) {
        final Object value = producerConfig.getOrDefault(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
            ProducerConfig.configDef().defaultValues().get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG));
        return Duration.ofMillis(Long.parseLong(String.valueOf(value).strip()));
    }

    /**
     * Buffers one event for publishing. Never blocks.
     *
     * @return false when the event was dropped because the buffer is full or the publisher is closing
     */
    public boolean offer(final String key, final V value, final Instant eventTime) {
        if (closing || !buffer.offer(new Pending<>(key, value, eventTime.toEpochMilli()))) {
            droppedBufferFull.increment();
            return false;
        }
        accepted.increment();
        return true;
    }

    private void drain() {
        Pending<V> next = null;
        try {
            while (!closing || next != null || !buffer.isEmpty()) {
                if (next == null) {
                    next = buffer.poll();
                    if (next == null && !closing) {
                        rest();
                    }
                } else if (clock.millis() - next.timestamp() > maxAge.toMillis()) {
                    expired.increment();
                    next = null;
                } else if (handOver(next)) {
                    next = null;
                } else {
                    Thread.sleep(RETRY_BACKOFF);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (next != null) {
                closedWithEvents.increment();
            }
        }
    }

    /**
     * Waits {@link #IDLE_PAUSE}, or less when closing: parked, rather than waiting on the buffer, which every offer
     * would wake.
     */
    private static void rest() throws InterruptedException {
        LockSupport.parkNanos(IDLE_PAUSE.toNanos());
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
    }

    /** @return false when the producer could not take the event yet (the broker is away) and it is to be retried */
    private boolean handOver(final Pending<V> event) {
        final AtomicReference<Exception> refused = new AtomicReference<>();
        try {
            producer.send(new ProducerRecord<>(topic, null, event.timestamp(), event.key(), event.value()),
                (metadata, error) -> {
                    if (error == null) {
                        delivered.increment();
                    } else if (Thread.currentThread() == drainer && error instanceof RetriableException) {
                        // Called back within send() itself: the producer never took the event (it waited
                        // max.block.ms for the partition's leader), so it is not lost but still ours to send.
                        refused.set(error);
                    } else {
                        deliveryFailed.increment();
                        log.debug("Could not deliver an event with key {} to {}: {}", event.key(), topic, error.toString());
                    }
                });
        } catch (RetriableException e) {
            refused.set(e);
        } catch (KafkaException e) {
            deliveryFailed.increment();
            log.warn("Could not hand an event with key {} to the producer for {}: {}", event.key(), topic, e.toString());
            return true;
        }
        if (refused.get() == null) {
            return true;
        }
        if (handOverRetries.getAndIncrement() % 60 == 0) {
            log.warn("Kafka does not take events for {} ({}); {} are held, each for up to {}", topic, refused.get(),
                buffer.size() + 1, maxAge);
        }
        return false;
    }

    public long dropped() {
        return droppedBufferFull.sum() + deliveryFailed.sum() + expired.sum() + closedWithEvents.sum();
    }

    public long delivered() {
        return delivered.sum();
    }

    public int buffered() {
        return buffer.size();
    }

    @Override
    public void bindTo(final MeterRegistry registry) {
        FunctionCounter.builder("switchboard.events.accepted", accepted, LongAdder::sum)
            .description("Events accepted into the publish buffer").tag("topic", topic).register(registry);
        FunctionCounter.builder("switchboard.events.delivered", delivered, LongAdder::sum)
            .description("Events acknowledged by Kafka").tag("topic", topic).register(registry);
        Map.of("buffer_full", droppedBufferFull, "delivery_failed", deliveryFailed, "expired", expired,
                "shutdown", closedWithEvents)
            .forEach((reason, count) -> FunctionCounter.builder("switchboard.events.dropped", count, LongAdder::sum)
                .description("Events dropped, never sent to Kafka").tag("topic", topic).tag("reason", reason)
                .register(registry));
        Gauge.builder("switchboard.events.buffered", buffer, BlockingQueue::size)
            .description("Events waiting in the publish buffer").tag("topic", topic).register(registry);
        Gauge.builder("switchboard.events.buffer.capacity", () -> capacity).tag("topic", topic).register(registry);
    }

    /** Stops accepting events, gives the buffered ones up to {@code timeout} to be sent, then closes the producer. */
    public void close(final Duration timeout) {
        closing = true;
        LockSupport.unpark(drainer);
        // The drainer sends what is buffered while Kafka takes it; one that still waits on Kafka is interrupted.
        for (int attempt = 0; attempt < 2 && drainer.isAlive(); attempt++) {
            if (attempt > 0) {
                drainer.interrupt();
            }
            try {
                drainer.join(timeout);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        producer.close(timeout);
        final int lost = buffer.size();
        if (lost > 0) {
            closedWithEvents.add(lost);
        }
        if (closedWithEvents.sum() > 0) {
            log.warn("Closed the {} publisher with {} events still buffered; they were dropped", topic,
                closedWithEvents.sum());
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
