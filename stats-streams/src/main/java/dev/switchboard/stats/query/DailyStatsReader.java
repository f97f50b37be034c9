package dev.switchboard.stats.query;

import dev.switchboard.schemas.VersionKey;
import dev.switchboard.stats.daily.DailyStats;
import dev.switchboard.stats.daily.DailyStatsTopology;
import dev.switchboard.stats.daily.LateOutcomes;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/** Reads one version's totals from this instance's window stores: per UTC day, per minute, and the last 24 hours. */
public final class DailyStatsReader {

    /** The totals of the window that starts at {@code start}. */
    public record Window(Instant start, DailyStats stats) {

        public LocalDate date() {
            return start.atZone(ZoneOffset.UTC).toLocalDate();
        }
    }

    public static final Duration ROLLING = Duration.ofHours(24);

    private final Supplier<KafkaStreams> streams;

    public DailyStatsReader(final Supplier<KafkaStreams> streams) {
        this.streams = streams;
    }

    /** The days from {@code from} to {@code to} (both included) that had traffic, oldest first. */
    public List<Window> days(final VersionKey version, final LocalDate from, final LocalDate to) {
        return windows(DailyStatsTopology.DAILY_STORE, version, from.atStartOfDay(ZoneOffset.UTC).toInstant(),
            to.atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    /** The minutes that start from {@code from} to {@code to} (both included) and had traffic, oldest first. */
    public List<Window> minutes(final VersionKey version, final Instant from, final Instant to) {
        return windows(DailyStatsTopology.MINUTE_STORE, version, from, to);
    }

    /**
     * The totals of the 24 hours up to {@code now}: the minutes that start after {@code now - 24h}, added up, so the
     * figure moves by the minute rather than jumping at midnight.
     */
    public DailyStats lastDay(final VersionKey version, final Instant now) {
        final DailyStats sum = DailyStats.empty();
        for (final Window minute : minutes(version, now.minus(ROLLING).plusMillis(1), now)) {
            sum.addAll(minute.stats());
        }
        return sum;
    }

    /** Outcomes of the days from {@code from} to {@code to} that came after their day closed, by day. */
    public Map<LocalDate, Long> lateOutcomes(final VersionKey version, final LocalDate from, final LocalDate to) {
        final LateOutcomes late;
        try {
            late = store(DailyStatsTopology.LATE_STORE, QueryableStoreTypes.<String, LateOutcomes>keyValueStore())
                .get(version.toString());
        } catch (InvalidStateStoreException e) {
            throw new StoreNotReadyException(DailyStatsTopology.LATE_STORE, e);
        }
        final Map<LocalDate, Long> inRange = new TreeMap<>();
        if (late != null) {
            late.byDay().forEach((day, count) -> {
                if (!day.isBefore(from) && !day.isAfter(to)) {
                    inRange.put(day, count);
                }
            });
        }
        return inRange;
    }

    private List<Window> windows(final String storeName, final VersionKey version, final Instant from,
                                 final Instant to) {
        final List<Window> windows = new ArrayList<>();
        final ReadOnlyWindowStore<String, DailyStats> store =
            store(storeName, QueryableStoreTypes.<String, DailyStats>windowStore());
        try (WindowStoreIterator<DailyStats> found = store.fetch(version.toString(), from, to)) {
            while (found.hasNext()) {
                final KeyValue<Long, DailyStats> window = found.next();
                windows.add(new Window(Instant.ofEpochMilli(window.key), window.value));
            }
        } catch (InvalidStateStoreException e) {
            throw new StoreNotReadyException(storeName, e);
        }
        return windows;
    }

    private <T> T store(final String name, final QueryableStoreType<T> type) {
        final KafkaStreams running = streams.get();
        if (running == null) {
            throw new StoreNotReadyException(name, null);
        }
        try {
            return running.store(StoreQueryParameters.fromNameAndType(name, type));
        } catch (InvalidStateStoreException e) {
            throw new StoreNotReadyException(name, e);
        }
    }
}
