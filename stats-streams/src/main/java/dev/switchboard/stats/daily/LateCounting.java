package dev.switchboard.stats.daily;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Counts the events that come after their UTC day closed, per key and day: a daily aggregation drops them (they
 * cannot change a closed day), and this makes them visible. Keyed like the events, so no repartition.
 */
public final class LateCounting {

    private LateCounting() {
    }

    /**
     * Adds to {@code stream}'s topology a key-value store, {@code storeName}, of {@link LateOutcomes} per key.
     *
     * @param eventTime the time an event belongs to, which decides its day
     */
    public static <V> void count(final KStream<String, V> stream, final Serde<V> serde, final Duration grace,
                                 final String storeName, final Function<V, Instant> eventTime) {
        stream.processValues(() -> new TooLateForTheirDay<V>(grace))
            .groupByKey(Grouped.with(Serdes.String(), serde))
            .aggregate(LateOutcomes::none, (key, event, late) -> late.add(eventTime.apply(event).toEpochMilli()),
                Materialized.<String, LateOutcomes, KeyValueStore<Bytes, byte[]>>as(storeName)
                    .withKeySerde(Serdes.String())
                    .withValueSerde(LateOutcomesSerde.create()));
    }

    /** Passes on only the events whose day has closed by this task's stream time. */
    private static final class TooLateForTheirDay<V> implements FixedKeyProcessor<String, V, V> {
        private final Duration grace;
        private FixedKeyProcessorContext<String, V> context;

        TooLateForTheirDay(final Duration grace) {
            this.grace = grace;
        }

        @Override
        public void init(final FixedKeyProcessorContext<String, V> context) {
            this.context = context;
        }

        @Override
        public void process(final FixedKeyRecord<String, V> record) {
            if (LateOutcomes.isTooLate(record.timestamp(), context.currentStreamTimeMs(), Duration.ofDays(1), grace)) {
                context.forward(record);
            }
        }
    }
}
