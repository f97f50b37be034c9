package dev.switchboard.stats.query;

import dev.switchboard.events.Experiment;
import dev.switchboard.events.ExperimentAllocation;
import dev.switchboard.events.HealthEvent;
import dev.switchboard.schemas.VersionKey;
import dev.switchboard.stats.daily.DailyStats;
import dev.switchboard.stats.daily.DailyStatsTopology;
import dev.switchboard.stats.daily.LateOutcomes;
import dev.switchboard.stats.experiment.ExperimentDay;
import dev.switchboard.stats.health.VersionHealth;
import dev.switchboard.rollout.RolloutState;
import dev.switchboard.stats.rollout.RolloutTopology;
import dev.switchboard.stats.rollout.StepTotals;
import dev.switchboard.stats.experiment.stream.ExperimentTopology;
import dev.switchboard.stats.shadow.ShadowDayStats;
import dev.switchboard.stats.shadow.ShadowStatsTopology;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Reads this instance's stores (its active tasks only, never a standby's possibly stale copy): a version's totals
 * per UTC day, per minute and over the last 24 hours, a baseline's shadow comparisons, the late counters, and
 * experiments' arms and definitions.
 * Every read fails with a {@link StoreNotReadyException} rather than answer from a store being restored or moved.
 */
public final class LocalStores {

    /** The totals of the window that starts at {@code start}. */
    public record Window<V>(Instant start, V stats) {

        public LocalDate date() {
            return start.atZone(ZoneOffset.UTC).toLocalDate();
        }
    }

    /** A window of one version's totals. */
    public record VersionWindow(VersionKey version, Window<DailyStats> window) {
    }

    public static final Duration ROLLING = Duration.ofHours(24);

    private final Supplier<KafkaStreams> streams;

    public LocalStores(final Supplier<KafkaStreams> streams) {
        this.streams = streams;
    }

    /** The days from {@code from} to {@code to} (both included) that had traffic, oldest first. */
    public List<Window<DailyStats>> days(final VersionKey version, final LocalDate from, final LocalDate to) {
        return windows(DailyStatsTopology.DAILY_STORE, version.toString(), startOf(from), startOf(to));
    }

    /** The minutes that start from {@code from} to {@code to} (both included) and had traffic, oldest first. */
    public List<Window<DailyStats>> minutes(final VersionKey version, final Instant from, final Instant to) {
        return windows(DailyStatsTopology.MINUTE_STORE, version.toString(), from, to);
    }

    /**
     * The totals of the 24 hours up to {@code now}: the minutes that start after {@code now - 24h}, added up, so the
     * figure moves by the minute rather than jumping at midnight.
     */
    public DailyStats lastDay(final VersionKey version, final Instant now) {
        final DailyStats sum = DailyStats.empty();
        for (final Window<DailyStats> minute : minutes(version, now.minus(ROLLING).plusMillis(1), now)) {
            sum.addAll(minute.stats());
        }
        return sum;
    }

    /** Outcomes of the days from {@code from} to {@code to} that came after their day closed, by day. */
    public Map<LocalDate, Long> lateOutcomes(final VersionKey version, final LocalDate from, final LocalDate to) {
        return late(DailyStatsTopology.LATE_STORE, version, from, to);
    }

    /** The days of shadow comparisons against {@code baseline}, each with all its candidates, oldest first. */
    public List<Window<ShadowDayStats>> shadowDays(final VersionKey baseline, final LocalDate from,
                                                   final LocalDate to) {
        return windows(ShadowStatsTopology.SHADOW_STORE, baseline.toString(), startOf(from), startOf(to));
    }

    /** Shadow comparisons against {@code baseline} that came after their day closed, by day. */
    public Map<LocalDate, Long> lateComparisons(final VersionKey baseline, final LocalDate from, final LocalDate to) {
        return late(ShadowStatsTopology.LATE_STORE, baseline, from, to);
    }

    /** The days of an experiment, each with all its arms, oldest first. */
    public List<Window<ExperimentDay>> experimentDays(final String experiment, final LocalDate from,
                                                      final LocalDate to) {
        return windows(ExperimentTopology.ARMS_STORE, experiment, startOf(from), startOf(to));
    }

    /** An experiment's definition; every instance holds all of them (a global store). */
    public Optional<Experiment> experiment(final String name) {
        try {
            return Optional.ofNullable(store(ExperimentTopology.DEFINITIONS_STORE,
                QueryableStoreTypes.<String, Experiment>keyValueStore()).get(name));
        } catch (InvalidStateStoreException e) {
            throw new StoreNotReadyException(ExperimentTopology.DEFINITIONS_STORE, e);
        }
    }

    /** A rollout's state, from this instance's store (ask the owner of the key, {@link KeyOwners}). */
    public Optional<RolloutState> rollout(final String id) {
        return Optional.ofNullable(store(RolloutTopology.STATES_STORE,
            QueryableStoreTypes.<String, RolloutState>keyValueStore()).get(id));
    }

    /** Why routers send a version no traffic, when its health says so; every instance holds every version's. */
    public Optional<String> outOfTraffic(final String version) {
        try {
            final ValueAndTimestamp<HealthEvent> event = store(VersionHealth.STORE,
                QueryableStoreTypes.<String, HealthEvent>timestampedKeyValueStore()).get(version);
            return VersionHealth.outOfTraffic(event == null ? null : event.value());
        } catch (InvalidStateStoreException e) {
            throw new StoreNotReadyException(VersionHealth.STORE, e);
        }
    }

    /** An adaptive experiment's latest decision, from this instance's store (ask the owner of the key). */
    public Optional<ExperimentAllocation> latestDecision(final String experiment) {
        return Optional.ofNullable(store(ExperimentTopology.ALLOCATIONS_STORE,
            QueryableStoreTypes.<String, ExperimentAllocation>keyValueStore()).get(experiment));
    }

    /** The totals of a rollout's current step so far, from this instance's store. */
    public Optional<StepTotals> stepTotals(final String id) {
        return Optional.ofNullable(store(RolloutTopology.TOTALS_STORE,
            QueryableStoreTypes.<String, StepTotals>keyValueStore()).get(id));
    }

    /**
     * The windows of every version this instance holds in {@code storeName} (the daily or the minute store), of one
     * provider ({@code category/name}) or of all, that start from {@code from} to {@code to}.
     */
    public List<VersionWindow> allWindows(final String storeName, final Optional<String> provider,
                                          final Instant from, final Instant to) {
        final ReadOnlyWindowStore<String, DailyStats> store = store(storeName, QueryableStoreTypes.windowStore());
        final List<VersionWindow> found = new ArrayList<>();
        // Keys of a provider share the prefix "category/name/" and sort between it and "category/name0": '0'
        // follows '/' and no key has a '/' less.
        try (KeyValueIterator<Windowed<String>, DailyStats> windows = provider
                .map(p -> store.fetch(p + "/", p + "0", from, to))
                .orElseGet(() -> store.fetchAll(from, to))) {
            while (windows.hasNext()) {
                final KeyValue<Windowed<String>, DailyStats> next = windows.next();
                found.add(new VersionWindow(VersionKey.parse(next.key.key()),
                    new Window<>(next.key.window().startTime(), next.value)));
            }
        } catch (InvalidStateStoreException e) {
            throw new StoreNotReadyException(storeName, e);
        }
        return found;
    }

    private Map<LocalDate, Long> late(final String storeName, final VersionKey key, final LocalDate from,
                                      final LocalDate to) {
        final LateOutcomes late;
        try {
            late = store(storeName, QueryableStoreTypes.<String, LateOutcomes>keyValueStore()).get(key.toString());
        } catch (InvalidStateStoreException e) {
            throw new StoreNotReadyException(storeName, e);
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

    private <V> List<Window<V>> windows(final String storeName, final String key, final Instant from,
                                        final Instant to) {
        final List<Window<V>> windows = new ArrayList<>();
        final ReadOnlyWindowStore<String, V> store = store(storeName, QueryableStoreTypes.windowStore());
        try (WindowStoreIterator<V> found = store.fetch(key, from, to)) {
            while (found.hasNext()) {
                final KeyValue<Long, V> window = found.next();
                windows.add(new Window<>(Instant.ofEpochMilli(window.key), window.value));
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

    private static Instant startOf(final LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
