package dev.switchboard.routing.notify;

import java.time.Duration;

/**
 * How long a channel waits before trying an undelivered notification again: doubling from {@code first} up to
 * {@code max}, so a receiver that is down for a while is asked rarely, and one back up soon hears quickly.
 */
public record Backoff(Duration first, Duration max) {

    public Backoff {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("a backoff needs 0 < first <= max, got " + first + " and " + max);
        }
    }

    /** @param failures how many attempts failed so far (1 after the first) */
    public Duration after(final int failures) {
        final int doublings = Math.min(Math.max(failures - 1, 0), 30);
        final Duration wait = first.multipliedBy(1L << doublings);
        return wait.compareTo(max) > 0 || wait.isNegative() ? max : wait;
    }
}
