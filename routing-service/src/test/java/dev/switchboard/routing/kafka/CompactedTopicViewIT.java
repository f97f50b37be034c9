package dev.switchboard.routing.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.common.kafka.CompactedTopicView;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The in-memory view every router keeps of its config topics, on a real broker, when reading fails: it must read on
 * (a router whose view stopped would route by a stale table without knowing), from where it had got to. The failures
 * are injected into a real consumer: its end offsets unreadable at start (the broker away), one poll failing later.
 */
class CompactedTopicViewIT {

    private static final String BROKERS = System.getProperty("spring.embedded.kafka.brokers");

    private final List<String> changes = new CopyOnWriteArrayList<>();
    private CompactedTopicView<String> view;

    @AfterEach
    void close() {
        if (view != null) {
            view.close();
        }
    }

    @Test
    void shouldCatchUpWhenTheEndOffsetsCannotBeReadAtFirst() throws Exception {
        final String topic = newTopic();
        send(topic, "a", "1");
        final AtomicInteger consumers = new AtomicInteger();
        view = new CompactedTopicView<>(topic, () -> consumers.getAndIncrement() == 0
            ? failing(consumer(), "endOffsets", () -> true, new TimeoutException("broker unreachable"))
            : consumer(), (key, value) -> changes.add(key + "=" + value)).start();

        assertThat(view.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
        assertThat(view.get("a")).contains("1");
        assertThat(view.readFailures()).isEqualTo(1);
        assertThat(changes).containsExactly("a=1");
    }

    @Test
    void shouldReadOnFromWhereItWasAfterAPollFails() throws Exception {
        final String topic = newTopic();
        send(topic, "a", "1");
        final AtomicBoolean failNextPoll = new AtomicBoolean();
        view = new CompactedTopicView<>(topic, () -> failing(consumer(), "poll",
            () -> failNextPoll.compareAndSet(true, false), new KafkaException("poll failed")),
            (key, value) -> changes.add(key + "=" + value)).start();
        assertThat(view.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();

        failNextPoll.set(true);
        await().atMost(Duration.ofSeconds(30)).until(() -> view.readFailures() == 1);
        send(topic, "b", "2");
        send(topic, "a", "3");

        await().atMost(Duration.ofSeconds(30)).until(() -> view.get("a").equals(Optional.of("3")));
        assertThat(view.get("b")).contains("2");
        assertThat(changes).as("every change told once, none read twice").containsExactly("a=1", "b=2", "a=3");
    }

    private static String newTopic() throws Exception {
        final String topic = "view-it-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BROKERS))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        }
        return topic;
    }

    private static void send(final String topic, final String key, final String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKERS), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    private static Consumer<String, String> consumer() {
        return new KafkaConsumer<>(CompactedTopicView.consumerConfig(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKERS), "view-it"), new StringDeserializer(),
            new StringDeserializer());
    }

    /** A real consumer whose {@code method} throws {@code failure} whenever {@code when} says so. */
    @SuppressWarnings("unchecked")
    private static Consumer<String, String> failing(final Consumer<String, String> real, final String method,
                                                    final BooleanSupplier when,
                                                    final RuntimeException failure) {
        return (Consumer<String, String>) Proxy.newProxyInstance(Consumer.class.getClassLoader(),
            new Class<?>[] {Consumer.class}, (proxy, called, args) -> {
                if (called.getName().equals(method) && when.getAsBoolean()) {
                    throw failure;
                }
                try {
                    return called.invoke(real, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
    }
}
