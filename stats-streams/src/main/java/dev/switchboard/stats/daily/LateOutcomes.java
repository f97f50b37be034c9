package dev.switchboard.stats.daily;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Outcomes of one version that arrived after their UTC day had closed (its end plus the grace period), by the day
 * they belong to. Such an outcome can no longer change that day's totals; it is counted here instead, so nothing
 * is dropped unseen. Mutable, like {@link DailyStats}: folded in place by the task that owns it.
 */
public final class LateOutcomes {

    private final Map<LocalDate, Long> byDay;

    LateOutcomes(final Map<LocalDate, Long> byDay) {
        this.byDay = new TreeMap<>(byDay);
    }

    public static LateOutcomes none() {
        return new LateOutcomes(Map.of());
    }

    /**
     * Whether an outcome stamped {@code timestamp} is too late for its window of {@code size}: the window ended
     * {@code grace} or more before {@code streamTime}, the latest time this stream has seen. This is the rule
     * Kafka Streams' windowed aggregations drop records by.
     */
    public static boolean isTooLate(final long timestamp, final long streamTime, final Duration size,
                                    final Duration grace) {
        final long windowEnd = Math.floorDiv(timestamp, size.toMillis()) * size.toMillis() + size.toMillis();
        return windowEnd + grace.toMillis() <= streamTime;
    }

    public LateOutcomes add(final long timestamp) {
        byDay.merge(Instant.ofEpochMilli(timestamp).atZone(ZoneOffset.UTC).toLocalDate(), 1L, Long::sum);
        return this;
    }

    /** Late outcomes by the UTC day they belong to, oldest day first. */
    public Map<LocalDate, Long> byDay() {
        return Collections.unmodifiableMap(byDay);
    }
}
