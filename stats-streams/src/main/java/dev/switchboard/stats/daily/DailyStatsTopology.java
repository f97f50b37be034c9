package dev.switchboard.stats.daily;

import dev.switchboard.schemas.Topics;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.DslStoreSuppliers;

/**
 * Folds served outcomes into per-version totals twice over: per UTC day (seed 004's usage stats, kept long) and
 * per minute (for canary analysis, charts and the rolling last 24 hours, kept a few days). Outcomes are keyed by
 * version already, so neither needs a repartition; tumbling windows are aligned to the epoch, so a day starts at
 * UTC midnight. Shadow calls are not served traffic and are left out. Both folds write to a
 * {@link FoldingWindowStore}, which keeps the totals as objects between commits: the DSL's aggregation would decode
 * and encode a window's totals for every outcome, which cost three quarters of the topology's time.
 */
public final class DailyStatsTopology {

    public static final String DAILY_STORE = "version-daily-stats";
    public static final String MINUTE_STORE = "version-minute-stats";
    public static final String LATE_STORE = "version-late-outcomes";

    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Duration DAY = Duration.ofDays(1);

    /** How long windows stay open for late outcomes, and how long each kind is kept. */
    public record Windows(Duration grace, Duration dailyRetention, Duration minuteRetention) {
    }

    private DailyStatsTopology() {
    }

    /**
     * @param stores the kind of store the folds keep their windows in (Kafka Streams'
     *               {@code dsl.store.suppliers.class})
     * @return the served outcomes, which both folds and the late counter read
     */
    public static KStream<String, OutcomeFacts> build(final StreamsBuilder builder, final Windows windows,
                                                      final DslStoreSuppliers stores) {
        final Serde<OutcomeFacts> outcomes = OutcomeFactsDeserializer.serde();
        final KStream<String, OutcomeFacts> served =
            builder.stream(Topics.REQUEST_OUTCOMES, Consumed.with(Serdes.String(), outcomes))
                .filter((version, outcome) -> version != null && outcome != null && !outcome.shadow());
        LateCounting.count(served, outcomes, windows.grace(), LATE_STORE, OutcomeFacts::eventTime);
        builder.addStateStore(FoldingWindowStore.builder(MINUTE_STORE, windows.minuteRetention(), MINUTE, stores));
        builder.addStateStore(FoldingWindowStore.builder(DAILY_STORE, windows.dailyRetention(), DAY, stores));
        served.process(() -> new Fold(windows.grace()), MINUTE_STORE, DAILY_STORE);
        return served;
    }

    /**
     * Folds each outcome into its minute and its UTC day. An outcome too late for a window (its end plus the grace
     * is behind this task's stream time) leaves that window alone, as a DSL windowed aggregation drops it.
     */
    private static final class Fold implements Processor<String, OutcomeFacts, Void, Void> {
        private final Duration grace;
        private FoldingWindowStore minutes;
        private FoldingWindowStore days;
        private ProcessorContext<Void, Void> context;

        Fold(final Duration grace) {
            this.grace = grace;
        }

        @Override
        public void init(final ProcessorContext<Void, Void> context) {
            this.context = context;
            this.minutes = context.getStateStore(MINUTE_STORE);
            this.days = context.getStateStore(DAILY_STORE);
        }

        @Override
        public void process(final Record<String, OutcomeFacts> record) {
            foldInto(minutes, MINUTE, record);
            foldInto(days, DAY, record);
        }

        private void foldInto(final FoldingWindowStore store, final Duration size,
                              final Record<String, OutcomeFacts> record) {
            final long timestamp = record.timestamp();
            if (!LateOutcomes.isTooLate(timestamp, context.currentStreamTimeMs(), size, grace)) {
                store.fold(record.key(), Math.floorDiv(timestamp, size.toMillis()) * size.toMillis(), timestamp,
                    record.value());
            }
        }
    }
}
