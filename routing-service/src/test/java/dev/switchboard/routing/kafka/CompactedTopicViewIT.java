package dev.switchboard.routing.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.common.kafka.CompactedTopicView;
import dev.switchboard.common.kafka.CompactedTopics;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
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
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The in-memory views every router keeps of its config topics, all read by one consumer, on a real broker: when
 * reading fails it must read on (a router whose view stopped would route by a stale table without knowing), from
 * where each view had got to; a view whose topic is missing, or a record that does not decode, must not hold back
 * the rest. The failures are injected into a real consumer: its end offsets unreadable at start (the broker away),
 * one poll failing later.
 */
class CompactedTopicViewIT {

    private static final String BROKERS = System.getProperty("spring.embedded.kafka.brokers");

    private final List<String> changes = new CopyOnWriteArrayList<>();
    private final AtomicInteger consumers = new AtomicInteger();
    private CompactedTopics views;

    @AfterEach
    void close() {
        if (views != null) {
            views.close();
        }
    }

    @Test
    void shouldCatchUpWhenTheEndOffsetsCannotBeReadAtFirst() throws Exception {
        final String topic = newTopic();
        send(topic, "a", "1");
        views = reader(() -> consumers.getAndIncrement() == 0
            ? failing(consumer(), "endOffsets", () -> true, new TimeoutException("broker unreachable"))
            : consumer());
        final CompactedTopicView<String> view = follow(topic);

        assertThat(view.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
        assertThat(view.get("a")).contains("1");
        assertThat(view.readFailures()).isEqualTo(1);
        assertThat(changes).containsExactly(topic + ":a=1");
    }

    @Test
    void shouldReadOnFromWhereItWasAfterAPollFails() throws Exception {
        final String topic = newTopic();
        send(topic, "a", "1");
        final AtomicBoolean failNextPoll = new AtomicBoolean();
        views = reader(() -> failing(consumer(), "poll", () -> failNextPoll.compareAndSet(true, false),
            new KafkaException("poll failed")));
        final CompactedTopicView<String> view = follow(topic);
        assertThat(view.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();

        failNextPoll.set(true);
        await().atMost(Duration.ofSeconds(30)).until(() -> view.readFailures() == 1);
        send(topic, "b", "2");
        send(topic, "a", "3");

        await().atMost(Duration.ofSeconds(30)).until(() -> view.get("a").equals(Optional.of("3")));
        assertThat(view.get("b")).contains("2");
        assertThat(changes).as("every change told once, none read twice")
            .containsExactly(topic + ":a=1", topic + ":b=2", topic + ":a=3");
    }

    @Test
    void shouldReadEveryFollowedTopicWithOneConsumer() throws Exception {
        final String first = newTopic();
        final String second = newTopic();
        send(first, "a", "1");
        send(second, "b", "2");
        views = reader(this::counted);
        final CompactedTopicView<String> one = follow(first);
        final CompactedTopicView<String> two = follow(second);
        assertThat(one.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
        assertThat(two.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();

        send(second, "b", "3");
        await().atMost(Duration.ofSeconds(30)).until(() -> two.get("b").equals(Optional.of("3")));

        assertThat(one.snapshot()).containsExactly(Map.entry("a", "1"));
        assertThat(consumers).hasValue(1);
    }

    @Test
    void shouldFollowATopicCreatedAfterTheOthersWereRead() throws Exception {
        final String present = newTopic();
        final String missing = "view-it-" + UUID.randomUUID();
        send(present, "a", "1");
        views = reader(this::counted);
        final CompactedTopicView<String> later = follow(missing);
        final CompactedTopicView<String> now = follow(present);

        assertThat(now.awaitCaughtUp(Duration.ofSeconds(30))).as("not held back by a topic that is not there").isTrue();
        assertThat(later.isCaughtUp()).isFalse();
        assertThat(views.unread()).as("what a router's readiness waits for").containsExactly(missing);

        create(missing);
        send(missing, "b", "2");
        assertThat(later.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> later.get("b").equals(Optional.of("2")));
        assertThat(later.readFailures()).isZero();
        assertThat(views.unread()).isEmpty();
        assertThat(changes).as("the topic read first not read again when the reader took on another")
            .containsOnlyOnce(present + ":a=1");
    }

    @Test
    void shouldSkipAValueThatDoesNotDecodeAndReadOn() throws Exception {
        final String topic = newTopic();
        send(topic, "a", "1");
        send(topic, "a", "not a value");
        send(topic, "b", "2");
        views = reader(this::counted);
        final Deserializer<String> strict = (name, bytes) -> {
            final String value = new String(bytes, StandardCharsets.UTF_8);
            if (value.startsWith("not")) {
                throw new SerializationException("not a value: " + value);
            }
            return value;
        };
        final CompactedTopicView<String> view = views.view(topic, strict, (key, value) -> changes.add(key + "=" + value))
            .start();

        assertThat(view.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
        assertThat(view.snapshot()).containsOnly(Map.entry("a", "1"), Map.entry("b", "2"));
        assertThat(view.skippedRecords()).isEqualTo(1);
        assertThat(changes).containsExactlyInAnyOrder("a=1", "b=2");
    }

    @Test
    void shouldRefuseASecondViewOfOneTopic() throws Exception {
        final String topic = newTopic();
        views = reader(this::counted);
        follow(topic);

        assertThatThrownBy(() -> follow(topic)).isInstanceOf(IllegalStateException.class).hasMessageContaining(topic);
    }

    private CompactedTopics reader(final Supplier<Consumer<String, byte[]>> consumers) {
        return new CompactedTopics("it", consumers).start();
    }

    private CompactedTopicView<String> follow(final String topic) {
        return views.view(topic, new StringDeserializer(), (key, value) -> changes.add(topic + ":" + key + "=" + value))
            .start();
    }

    private Consumer<String, byte[]> counted() {
        consumers.incrementAndGet();
        return consumer();
    }

    private static String newTopic() throws Exception {
        final String topic = "view-it-" + UUID.randomUUID();
        create(topic);
        return topic;
    }

    private static void create(final String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BROKERS))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        }
    }

    private static void send(final String topic, final String key, final String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKERS), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    private static Consumer<String, byte[]> consumer() {
        return new KafkaConsumer<>(CompactedTopics.consumerConfig(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKERS), "view-it"), new StringDeserializer(),
            new ByteArrayDeserializer());
    }

    /** A real consumer whose {@code method} throws {@code failure} whenever {@code when} says so. */
    @SuppressWarnings("unchecked")
    private static Consumer<String, byte[]> failing(final Consumer<String, byte[]> real, final String method,
                                                    final BooleanSupplier when,
                                                    final RuntimeException failure) {
        return (Consumer<String, byte[]>) Proxy.newProxyInstance(Consumer.class.getClassLoader(),
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
