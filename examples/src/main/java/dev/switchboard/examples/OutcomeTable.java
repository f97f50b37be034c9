package dev.switchboard.examples;

import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.events.RequestOutcome;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A downstream consumer of {@code switchboard.request-outcomes} with nothing but kafka-clients and the schemas:
 * reads every outcome there is, from the beginning, and prints a table per version (requests, success rate,
 * mean latency, tokens). Outcomes are Avro single-object encoded; {@code EventSerdes.requestOutcome()} decodes
 * every released version of the schema.
 *
 * <pre>java -cp examples.jar:schemas.jar:... dev.switchboard.examples.OutcomeTable localhost:9092</pre>
 */
public final class OutcomeTable {

    /** One version's totals. */
    static final class Row {
        long requests;
        long successes;
        long latencySumMs;
        long tokens;

        void add(final RequestOutcome outcome) {
            requests++;
            successes += outcome.getStatus() == OutcomeStatus.SUCCESS ? 1 : 0;
            latencySumMs += outcome.getLatencyMs();
            tokens += orZero(outcome.getPromptTokens()) + orZero(outcome.getCompletionTokens());
        }

        private static long orZero(final Integer tokens) {
            return tokens == null ? 0 : tokens;
        }
    }

    private final Map<String, Row> rows = new TreeMap<>();
    private long undecodable;

    /** Folds one record in: its key is the version ({@code category/name/version}), its value the outcome. */
    void accept(final String version, final byte[] value) {
        final RequestOutcome outcome;
        try {
            outcome = EventSerdes.requestOutcome().deserialize(Topics.REQUEST_OUTCOMES, value);
        } catch (RuntimeException e) {
            undecodable++; // not an outcome this reader knows: skip it, as stats-streams does
            return;
        }
        if (outcome != null && !outcome.getShadow()) {
            rows.computeIfAbsent(version, v -> new Row()).add(outcome);
        }
    }

    String render() {
        final StringBuilder table = new StringBuilder(String.format("%-32s %10s %9s %12s %12s%n", "version",
            "requests", "success", "mean ms", "tokens"));
        rows.forEach((version, row) -> table.append(String.format("%-32s %10d %8.1f%% %12.1f %12d%n", version,
            row.requests, 100.0 * row.successes / row.requests, (double) row.latencySumMs / row.requests,
            row.tokens)));
        if (undecodable > 0) {
            table.append(undecodable).append(" record(s) could not be decoded and were skipped\n");
        }
        return table.toString();
    }

    /** Reads the topic from the beginning to its end as it was when this started. */
    void readAll(final KafkaConsumer<String, byte[]> consumer) {
        final List<TopicPartition> partitions = consumer.partitionsFor(Topics.REQUEST_OUTCOMES).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
            for (final ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                    accept(record.key(), record.value());
                }
            }
        }
    }

    public static void main(final String[] args) {
        final Map<String, Object> config = Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args.length > 0 ? args[0] : "localhost:9092",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        final OutcomeTable table = new OutcomeTable();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            table.readAll(consumer);
        }
        System.out.print(table.render());
    }
}
