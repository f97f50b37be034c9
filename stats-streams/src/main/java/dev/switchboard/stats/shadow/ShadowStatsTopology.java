package dev.switchboard.stats.shadow;

import dev.switchboard.events.ShadowComparison;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.Topics;
import dev.switchboard.stats.daily.LateCounting;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Folds shadow comparisons into per-day totals per (baseline, candidate) pair. Comparisons are keyed by their
 * baseline version, so each baseline's day holds all its candidates and no repartition is needed. Shadow traffic
 * is a share of a provider's, so the DSL's own windowed aggregation is fast enough here.
 */
public final class ShadowStatsTopology {

    public static final String SHADOW_STORE = "shadow-daily-stats";
    public static final String LATE_STORE = "shadow-late-comparisons";

    private ShadowStatsTopology() {
    }

    /** @return the comparisons, as read */
    public static KStream<String, ShadowComparison> build(final StreamsBuilder builder, final Duration grace,
                                                          final Duration retention) {
        final var serde = EventSerdes.shadowComparison();
        final KStream<String, ShadowComparison> comparisons =
            builder.stream(Topics.SHADOW_COMPARISONS, Consumed.with(Serdes.String(), serde))
                .filter((baseline, comparison) -> baseline != null && comparison != null);
        LateCounting.count(comparisons, serde, grace, LATE_STORE, ShadowComparison::getEventTime);
        comparisons.groupByKey(Grouped.with(Serdes.String(), serde))
            .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofDays(1), grace))
            .aggregate(ShadowDayStats::empty, (baseline, comparison, day) -> day.add(comparison),
                Materialized.<String, ShadowDayStats, WindowStore<Bytes, byte[]>>as(SHADOW_STORE)
                    .withKeySerde(Serdes.String())
                    .withValueSerde(ShadowStatsSerde.create())
                    .withRetention(retention));
        return comparisons;
    }
}
