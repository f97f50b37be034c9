package dev.switchboard.common.kafka;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes events to one topic without ever making the caller wait for Kafka.
 *
 * <p>{@link #offer} only puts the event in a bounded in-memory buffer and returns at once; one background
 * thread hands buffered events to the producer. When the broker is slow or gone, the producer blocks that
 * thread (up to its {@code max.block.ms}), the buffer fills, and further events are dropped and counted
 * rather than slowing the request that produced them. Events the producer fails to deliver are counted too.
 */
public final class BoundedEventPublisher<V> implements MeterBinder, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BoundedEventPublisher.class);

    private record Pending<V>(String key, V value, long timestamp) {
    }

    private final String topic;
    private final Producer<String, V> producer;
    private final BlockingQueue<Pending<V>> buffer;
    private final int capacity;
    private final Thread drainer;
    private final LongAdder accepted = new LongAdder();
    private final LongAdder droppedBufferFull = new LongAdder();
    private final LongAdder deliveryFailed = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private volatile boolean closing;

    public BoundedEventPublisher(final String topic, final Producer<String, V> producer, final int capacity) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.producer = Objects.requireNonNull(producer, "producer");
        if (capacity < 1) {
            throw new IllegalArgumentException("buffer capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
        this.buffer = new ArrayBlockingQueue<>(capacity);
        this.drainer = Thread.ofPlatform().daemon().name("publisher-" + topic).start(this::drain);
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
        while (!closing || !buffer.isEmpty()) {
            final Pending<V> next;
            try {
                next = buffer.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (next != null) {
                send(next);
            }
        }
    }

    private void send(final Pending<V> event) {
        try {
            producer.send(new ProducerRecord<>(topic, null, event.timestamp(), event.key(), event.value()),
                (metadata, error) -> {
                    if (error == null) {
                        delivered.increment();
                    } else {
                        deliveryFailed.increment();
                        log.debug("Could not deliver an event with key {} to {}: {}", event.key(), topic, error.toString());
                    }
                });
        } catch (KafkaException e) {
            // max.block.ms elapsed waiting for metadata or buffer space: the broker is not answering.
            deliveryFailed.increment();
            log.debug("Could not hand an event with key {} to the producer for {}: {}", event.key(), topic, e.toString());
        }
    }

    public long dropped() {
        return droppedBufferFull.sum() + deliveryFailed.sum();
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
        FunctionCounter.builder("switchboard.events.dropped", droppedBufferFull, LongAdder::sum)
            .description("Events dropped, never sent to Kafka").tag("topic", topic).tag("reason", "buffer_full")
            .register(registry);
        FunctionCounter.builder("switchboard.events.dropped", deliveryFailed, LongAdder::sum)
            .description("Events dropped, never sent to Kafka").tag("topic", topic).tag("reason", "delivery_failed")
            .register(registry);
        Gauge.builder("switchboard.events.buffered", buffer, BlockingQueue::size)
            .description("Events waiting in the publish buffer").tag("topic", topic).register(registry);
        Gauge.builder("switchboard.events.buffer.capacity", () -> capacity).tag("topic", topic).register(registry);
    }

    /** Stops accepting events, gives the buffered ones up to {@code timeout} to be sent, then closes the producer. */
    public void close(final Duration timeout) {
        closing = true;
        try {
            drainer.join(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        drainer.interrupt();
        producer.close(timeout);
        final int lost = buffer.size();
        if (lost > 0) {
            droppedBufferFull.add(lost);
            log.warn("Closed the {} publisher with {} events still buffered; they were dropped", topic, lost);
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
