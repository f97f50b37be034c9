package dev.switchboard.stats.daily;

import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.Topics;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Folds served outcomes into per-version, per-UTC-day totals. Outcomes are keyed by version already, so the
 * aggregation needs no repartition; one-day tumbling windows are aligned to the epoch, i.e. to UTC midnight.
 * Shadow calls are not served traffic and are left out.
 */
public final class DailyStatsTopology {

    public static final String STORE = "version-daily-stats";

    private DailyStatsTopology() {
    }

    /**
     * @param grace     how long after a day ends its late outcomes are still counted in it
     * @param retention how long daily totals stay queryable
     */
    public static KTable<Windowed<String>, DailyStats> build(final StreamsBuilder builder, final Duration grace,
                                                             final Duration retention) {
        final var outcomes = EventSerdes.requestOutcome();
        return builder.stream(Topics.REQUEST_OUTCOMES, Consumed.with(Serdes.String(), outcomes))
            .filter((version, outcome) -> version != null && outcome != null && !outcome.getShadow())
            .groupByKey(Grouped.with(Serdes.String(), outcomes))
            .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofDays(1), grace))
            .aggregate(DailyStats::empty, (version, outcome, stats) -> stats.add(outcome),
                Materialized.<String, DailyStats, WindowStore<Bytes, byte[]>>as(STORE)
                    .withKeySerde(Serdes.String())
                    .withValueSerde(DailyStatsSerde.create())
                    .withRetention(retention));
    }

}
