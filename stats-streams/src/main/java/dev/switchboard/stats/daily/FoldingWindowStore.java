package dev.switchboard.stats.daily;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.DslStoreSuppliers;
import org.apache.kafka.streams.state.DslWindowParams;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedBytesStore;
import org.apache.kafka.streams.state.TimestampedWindowStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A window store of {@link DailyStats} that keeps the totals being folded as objects between commits. Kafka
 * Streams' own stores cache serialized bytes, so every outcome would decode its window's totals (two latency
 * sketches included) and encode them again, which cost most of the topology's time; here a window is encoded once
 * per commit, however many outcomes it took in.
 *
 * <p>Underneath is the store the DSL would build (a timestamped window store of the configured kind, RocksDB unless
 * {@code dsl.store.suppliers.class} says otherwise, with a changelog and the same serde), so what was written before
 * still reads. The totals changed since the last commit are written through on {@link #flushCache()}, which Kafka
 * Streams calls on every commit, before it sends the changelog records and commits the transaction with the input
 * offsets: under exactly-once the totals and the offsets move together.
 * ({@link #flush()} is no such hook: Kafka Streams calls it only when it writes a checkpoint, every 10,000 records
 * or so.) The object cache is dropped whenever the store is (re)initialised, closed or recycled, so a task revived
 * after a failure starts from what was committed.
 *
 * <p>{@link CachedStateStore} is Kafka Streams' internal interface for its own caching stores; it is the only
 * per-commit hook a store has (the state manager calls it on the store it registered, this one). Kafka Streams is
 * pinned by the Spring Boot BOM, and {@code StatsClusterIT} (kill -9 mid-stream, exact totals after) and the
 * topology tests (which commit after every record) fail if a new version stops calling it.
 *
 * <p>Interactive queries read the committed totals underneath, at most one commit interval old, never an object
 * the stream thread is changing. It is a read-only window store to them; not a {@code WindowStore}, which Kafka
 * Streams would hand processors behind a decorator without {@link #fold}. It is marked a
 * {@link TimestampedBytesStore} because the store underneath keeps timestamps: Kafka Streams looks at the store it
 * registered (this one) to decide whether restored changelog records get their timestamps back.
 */
final class FoldingWindowStore
    implements StateStore, ReadOnlyWindowStore<String, DailyStats>, TimestampedBytesStore,
    CachedStateStore<String, DailyStats> {

    /** Windows kept as objects at most; past it, they are all written through and let go. */
    static final int MAX_CACHED_WINDOWS = 10_000;

    private record WindowKey(String key, long windowStart) {
    }

    private static final class Folded {
        final DailyStats stats;
        long timestamp;
        boolean dirty;

        Folded(final DailyStats stats, final long timestamp) {
            this.stats = stats;
            this.timestamp = timestamp;
        }
    }

    private final TimestampedWindowStore<String, DailyStats> inner;
    private final Map<WindowKey, Folded> cache = new HashMap<>(1024);

    private FoldingWindowStore(final TimestampedWindowStore<String, DailyStats> inner) {
        this.inner = inner;
    }

    /** A builder of the store over a window store of the given kind, with a changelog, as the topology registers it. */
    public static StoreBuilder<FoldingWindowStore> builder(final String name, final Duration retention,
                                                           final Duration windowSize, final DslStoreSuppliers stores) {
        return new Builder(name, retention, windowSize, stores);
    }

    /**
     * Folds one outcome into the window starting at {@code windowStart}: the cached totals, else the stored ones,
     * else empty totals. Runs on the stream thread only.
     */
    public void fold(final String key, final long windowStart, final long timestamp,
                     final OutcomeFacts outcome) {
        final WindowKey window = new WindowKey(key, windowStart);
        Folded entry = cache.get(window);
        if (entry == null) {
            final ValueAndTimestamp<DailyStats> stored = inner.fetch(key, windowStart);
            entry = stored == null ? new Folded(DailyStats.empty(), timestamp)
                : new Folded(stored.value(), stored.timestamp());
            if (cache.size() >= MAX_CACHED_WINDOWS) {
                flushCache();
                cache.clear(); // written through: the store underneath has them until the commit
            }
            cache.put(window, entry);
        }
        entry.stats.add(outcome);
        entry.timestamp = Math.max(entry.timestamp, timestamp);
        entry.dirty = true;
    }

    private void writeThrough(final WindowKey window, final Folded entry) {
        if (entry.dirty) {
            inner.put(window.key(), ValueAndTimestamp.make(entry.stats, entry.timestamp), window.windowStart());
            entry.dirty = false;
        }
    }

    /**
     * Writes the windows folded into since the last commit through, and lets go of the ones that were not: a
     * window out of use (yesterday, the minute before last) costs one decode if it is folded into again, while
     * keeping every window of the retention period as objects would cost far more memory.
     */
    @Override
    public void flushCache() {
        final Iterator<Map.Entry<WindowKey, Folded>> windows = cache.entrySet().iterator();
        while (windows.hasNext()) {
            final Map.Entry<WindowKey, Folded> window = windows.next();
            if (window.getValue().dirty) {
                writeThrough(window.getKey(), window.getValue());
            } else {
                windows.remove();
            }
        }
    }

    @Override
    public void clearCache() {
        cache.clear();
    }

    /** Nothing listens: the folds are read through the store, not forwarded downstream. */
    @Override
    public boolean setFlushListener(final CacheFlushListener<String, DailyStats> listener,
                                    final boolean sendOldValues) {
        return false;
    }

    @Override
    public void flush() {
        flushCache();
        inner.flush();
    }

    @Override
    public void init(final StateStoreContext context, final StateStore root) {
        cache.clear();
        inner.init(context, root);
    }

    @Override
    public void close() {
        cache.clear();
        inner.close();
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public boolean persistent() {
        return inner.persistent();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    // Reads (interactive queries) see the committed totals underneath.

    @Override
    public DailyStats fetch(final String key, final long time) {
        return value(inner.fetch(key, time));
    }

    @Override
    public WindowStoreIterator<DailyStats> fetch(final String key, final Instant timeFrom, final Instant timeTo) {
        return values(inner.fetch(key, timeFrom, timeTo));
    }

    @Override
    public WindowStoreIterator<DailyStats> backwardFetch(final String key, final Instant timeFrom,
                                                         final Instant timeTo) {
        return values(inner.backwardFetch(key, timeFrom, timeTo));
    }

    @Override
    public KeyValueIterator<Windowed<String>, DailyStats> fetch(final String keyFrom, final String keyTo,
                                                                final Instant timeFrom, final Instant timeTo) {
        return windowedValues(inner.fetch(keyFrom, keyTo, timeFrom, timeTo));
    }

    @Override
    public KeyValueIterator<Windowed<String>, DailyStats> fetchAll(final Instant timeFrom, final Instant timeTo) {
        return windowedValues(inner.fetchAll(timeFrom, timeTo));
    }

    @Override
    public KeyValueIterator<Windowed<String>, DailyStats> all() {
        return windowedValues(inner.all());
    }

    private static DailyStats value(final ValueAndTimestamp<DailyStats> stored) {
        return stored == null ? null : stored.value();
    }

    private static WindowStoreIterator<DailyStats> values(final WindowStoreIterator<ValueAndTimestamp<DailyStats>> it) {
        return new WindowStoreIterator<>() {
            @Override
            public void close() {
                it.close();
            }

            @Override
            public Long peekNextKey() {
                return it.peekNextKey();
            }

            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public KeyValue<Long, DailyStats> next() {
                final KeyValue<Long, ValueAndTimestamp<DailyStats>> next = it.next();
                return KeyValue.pair(next.key, value(next.value));
            }
        };
    }

    private static KeyValueIterator<Windowed<String>, DailyStats> windowedValues(
        final KeyValueIterator<Windowed<String>, ValueAndTimestamp<DailyStats>> it) {
        return new KeyValueIterator<>() {
            @Override
            public void close() {
                it.close();
            }

            @Override
            public Windowed<String> peekNextKey() {
                return it.peekNextKey();
            }

            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public KeyValue<Windowed<String>, DailyStats> next() {
                final KeyValue<Windowed<String>, ValueAndTimestamp<DailyStats>> next = it.next();
                return KeyValue.pair(next.key, value(next.value));
            }
        };
    }

    /** As Kafka Streams' {@code windowstore.changelog.additional.retention.ms} default: room for clock drift. */
    private static final Duration CHANGELOG_EXTRA_RETENTION = Duration.ofDays(1);

    /** Builds the store over the DSL's kind of window store, with its changelog settings. */
    private static final class Builder implements StoreBuilder<FoldingWindowStore> {
        private final String name;
        private final Duration retention;
        private final Duration windowSize;
        private final DslStoreSuppliers stores;
        private final Map<String, String> logConfig = new HashMap<>();
        private boolean logging = true;

        Builder(final String name, final Duration retention, final Duration windowSize,
                final DslStoreSuppliers stores) {
            this.name = Objects.requireNonNull(name, "name");
            this.retention = retention;
            this.windowSize = windowSize;
            this.stores = Objects.requireNonNull(stores, "stores");
            // A windowed changelog, as the DSL makes one: compacted, and windows past retention deleted.
            logConfig.put(TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE);
            logConfig.put(TopicConfig.RETENTION_MS_CONFIG,
                Long.toString(retention.plus(CHANGELOG_EXTRA_RETENTION).toMillis()));
        }

        @Override
        public StoreBuilder<FoldingWindowStore> withCachingEnabled() {
            return this; // the store is its own cache, of objects rather than bytes
        }

        @Override
        public StoreBuilder<FoldingWindowStore> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<FoldingWindowStore> withLoggingEnabled(final Map<String, String> config) {
            logging = true;
            logConfig.putAll(config);
            return this;
        }

        @Override
        public StoreBuilder<FoldingWindowStore> withLoggingDisabled() {
            logging = false;
            return this;
        }

        @Override
        public FoldingWindowStore build() {
            final StoreBuilder<TimestampedWindowStore<String, DailyStats>> inner = Stores
                .timestampedWindowStoreBuilder(stores.windowStore(new DslWindowParams(name, retention, windowSize,
                    false, EmitStrategy.onWindowUpdate(), false, true)), Serdes.String(), DailyStatsSerde.create())
                .withCachingDisabled();
            return new FoldingWindowStore((logging ? inner.withLoggingEnabled(logConfig) : inner.withLoggingDisabled())
                .build());
        }

        @Override
        public Map<String, String> logConfig() {
            return logConfig;
        }

        @Override
        public boolean loggingEnabled() {
            return logging;
        }

        @Override
        public String name() {
            return name;
        }
    }
}
