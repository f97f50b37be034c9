package dev.switchboard.stats.daily;

import dev.switchboard.events.RequestOutcome;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.Topics;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Folds served outcomes into per-version totals twice over: per UTC day (seed 004's usage stats, kept long) and
 * per minute (for canary analysis, charts and the rolling last 24 hours, kept a few days). Outcomes are keyed by
 * version already, so neither needs a repartition; tumbling windows are aligned to the epoch, so a day starts at
 * UTC midnight. Shadow calls are not served traffic and are left out.
 */
public final class DailyStatsTopology {

    public static final String DAILY_STORE = "version-daily-stats";
    public static final String MINUTE_STORE = "version-minute-stats";
    public static final String LATE_STORE = "version-late-outcomes";

    /** How long windows stay open for late outcomes, and how long each kind is kept. */
    public record Windows(Duration grace, Duration dailyRetention, Duration minuteRetention) {
    }

    private DailyStatsTopology() {
    }

    /** @return the daily totals */
    public static KTable<Windowed<String>, DailyStats> build(final StreamsBuilder builder, final Windows windows) {
        final var outcomes = EventSerdes.requestOutcome();
        final KStream<String, RequestOutcome> served =
            builder.stream(Topics.REQUEST_OUTCOMES, Consumed.with(Serdes.String(), outcomes))
                .filter((version, outcome) -> version != null && outcome != null && !outcome.getShadow());
        countTooLate(served, windows.grace());
        final KGroupedStream<String, RequestOutcome> byVersion =
            served.groupByKey(Grouped.with(Serdes.String(), outcomes));
        fold(byVersion, Duration.ofMinutes(1), windows.grace(), windows.minuteRetention(), MINUTE_STORE);
        return fold(byVersion, Duration.ofDays(1), windows.grace(), windows.dailyRetention(), DAILY_STORE);
    }

    /**
     * Counts the outcomes that come after their day closed: the daily aggregation drops them (they cannot change
     * a closed day), and this makes them visible. Keyed by version like the rest, so no repartition.
     */
    private static void countTooLate(final KStream<String, RequestOutcome> served, final Duration grace) {
        served.processValues(() -> new TooLateForTheirDay(grace))
            .groupByKey(Grouped.with(Serdes.String(), EventSerdes.requestOutcome()))
            .aggregate(LateOutcomes::none, (version, outcome, late) -> late.add(outcome.getEventTime().toEpochMilli()),
                Materialized.<String, LateOutcomes, KeyValueStore<Bytes, byte[]>>as(LATE_STORE)
                    .withKeySerde(Serdes.String())
                    .withValueSerde(LateOutcomesSerde.create()));
    }

    /** Passes on only the outcomes whose day has closed by this task's stream time. */
    private static final class TooLateForTheirDay implements FixedKeyProcessor<String, RequestOutcome, RequestOutcome> {
        private final Duration grace;
        private FixedKeyProcessorContext<String, RequestOutcome> context;

        TooLateForTheirDay(final Duration grace) {
            this.grace = grace;
        }

        @Override
        public void init(final FixedKeyProcessorContext<String, RequestOutcome> context) {
            this.context = context;
        }

        @Override
        public void process(final FixedKeyRecord<String, RequestOutcome> record) {
            if (LateOutcomes.isTooLate(record.timestamp(), context.currentStreamTimeMs(), Duration.ofDays(1), grace)) {
                context.forward(record);
            }
        }
    }

    private static KTable<Windowed<String>, DailyStats> fold(final KGroupedStream<String, RequestOutcome> byVersion,
                                                             final Duration size, final Duration grace,
                                                             final Duration retention, final String store) {
        return byVersion.windowedBy(TimeWindows.ofSizeAndGrace(size, grace))
            .aggregate(DailyStats::empty, (version, outcome, stats) -> stats.add(outcome),
                Materialized.<String, DailyStats, WindowStore<Bytes, byte[]>>as(store)
                    .withKeySerde(Serdes.String())
                    .withValueSerde(DailyStatsSerde.create())
                    .withRetention(retention));
    }
}
