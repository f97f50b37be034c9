package dev.switchboard.stats.query;

import dev.switchboard.schemas.VersionKey;
import dev.switchboard.stats.daily.DailyStats;
import dev.switchboard.stats.daily.DailyStatsTopology;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/** Reads per-day totals of one version from this instance's window store. */
public final class DailyStatsReader {

    /** One UTC day's totals. */
    public record Day(LocalDate date, DailyStats stats) {
    }

    private final Supplier<KafkaStreams> streams;

    public DailyStatsReader(final Supplier<KafkaStreams> streams) {
        this.streams = streams;
    }

    /** The days from {@code from} to {@code to} (both included) that had traffic, oldest first. */
    public List<Day> days(final VersionKey version, final LocalDate from, final LocalDate to) {
        final Instant start = from.atStartOfDay(ZoneOffset.UTC).toInstant();
        final Instant end = to.atStartOfDay(ZoneOffset.UTC).toInstant();
        final List<Day> days = new ArrayList<>();
        try (WindowStoreIterator<DailyStats> windows = store().fetch(version.toString(), start, end)) {
            while (windows.hasNext()) {
                final KeyValue<Long, DailyStats> window = windows.next();
                days.add(new Day(Instant.ofEpochMilli(window.key).atZone(ZoneOffset.UTC).toLocalDate(), window.value));
            }
        } catch (InvalidStateStoreException e) {
            throw new StoreNotReadyException(DailyStatsTopology.STORE, e);
        }
        return days;
    }

    private ReadOnlyWindowStore<String, DailyStats> store() {
        final KafkaStreams running = streams.get();
        if (running == null) {
            throw new StoreNotReadyException(DailyStatsTopology.STORE, null);
        }
        try {
            return running.store(StoreQueryParameters.fromNameAndType(DailyStatsTopology.STORE,
                QueryableStoreTypes.windowStore()));
        } catch (InvalidStateStoreException e) {
            throw new StoreNotReadyException(DailyStatsTopology.STORE, e);
        }
    }
}
