package dev.switchboard.common.testing;

import static org.awaitility.Awaitility.await;

import dev.switchboard.schemas.TopicSpec;
import dev.switchboard.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Switchboard's topics on a test broker: created as stats-streams and the launcher create them on a real one, and
 * read back as the services read them.
 */
public final class TestTopics {

    private TestTopics() {
    }

    public static void createAll(final String brokers) throws ExecutionException, InterruptedException {
        create(brokers, topic -> true);
    }

    /**
     * Creates the Switchboard topics that {@code which} picks and the broker lacks, for a test of a broker that lacks
     * the others; those that exist already (another test class on the shared broker made them) are left as they are.
     */
    public static void create(final String brokers, final Predicate<TopicSpec> which)
        throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
            final Set<String> existing = admin.listTopics().names().get();
            admin.createTopics(Topics.singleBroker().stream().filter(which)
                    .filter(topic -> !existing.contains(topic.name())).map(TopicSpec::toNewTopic).toList())
                .all().get();
        }
    }

    /**
     * The values of every committed record of the topic, from its beginning to its end when called (a tombstone's
     * is null), as a service's read_committed view reads them: by assignment, so no group join cuts the read short.
     */
    public static <V> List<V> readCommitted(final String brokers, final String topic, final Deserializer<V> values) {
        return readCommitted(brokers, topic, values, Map.of());
    }

    /**
     * As {@link #readCommitted(String, String, Deserializer)}, from the offsets {@code from} gives (where
     * {@link #ends} said the topic ended earlier) rather than its beginning: a shared broker's outcome topic holds
     * every earlier test's, and reading them all again on each poll of a wait took seconds.
     */
    public static <V> List<V> readCommitted(final String brokers, final String topic, final Deserializer<V> values,
                                            final Map<TopicPartition, Long> from) {
        final List<V> read = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(committedReader(brokers),
                new StringDeserializer(), values)) {
            final List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            from.forEach(consumer::seek);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            await().pollInSameThread().atMost(Duration.ofSeconds(30)).until(() -> {
                for (final ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(200))) {
                    read.add(record.value());
                }
                return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
            });
        }
        return read;
    }

    /** Where each partition of the topic's committed records ends now. */
    public static Map<TopicPartition, Long> ends(final String brokers, final String topic) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(committedReader(brokers),
                new StringDeserializer(), new StringDeserializer())) {
            return consumer.endOffsets(partitions(consumer, topic));
        }
    }

    private static Map<String, Object> committedReader(final String brokers) {
        return Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    }

    private static List<TopicPartition> partitions(final KafkaConsumer<String, ?> consumer, final String topic) {
        return consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }
}
