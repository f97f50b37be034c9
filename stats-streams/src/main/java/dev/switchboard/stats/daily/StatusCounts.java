package dev.switchboard.stats.daily;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Attempts by HTTP status. A window sees a handful of statuses, so sorted parallel arrays do the counting: no
 * boxed key and count per outcome, as a map of {@code Integer} to {@code Long} would allocate. Mutable, like the
 * totals it belongs to.
 */
final class StatusCounts {

    /** Receives a status and its count. */
    @FunctionalInterface
    interface Consumer {
        void accept(int status, long count);
    }

    private int[] statuses = new int[4];
    private long[] counts = new long[4];
    private int size;

    void add(final int status, final long count) {
        final int at = Arrays.binarySearch(statuses, 0, size, status);
        if (at >= 0) {
            counts[at] += count;
            return;
        }
        final int insert = -at - 1;
        if (size == statuses.length) {
            statuses = Arrays.copyOf(statuses, size * 2);
            counts = Arrays.copyOf(counts, size * 2);
        }
        System.arraycopy(statuses, insert, statuses, insert + 1, size - insert);
        System.arraycopy(counts, insert, counts, insert + 1, size - insert);
        statuses[insert] = status;
        counts[insert] = count;
        size++;
    }

    void addAll(final StatusCounts other) {
        for (int i = 0; i < other.size; i++) {
            add(other.statuses[i], other.counts[i]);
        }
    }

    /** Hands over each status and its count, in status order. */
    void forEach(final Consumer consumer) {
        for (int i = 0; i < size; i++) {
            consumer.accept(statuses[i], counts[i]);
        }
    }

    /** Status to count, in status order. */
    Map<Integer, Long> asMap() {
        final Map<Integer, Long> map = new TreeMap<>();
        forEach(map::put);
        return map;
    }
}
