package dev.switchboard.prober.health;

import java.time.Duration;

/**
 * How versions are checked (seed 001's health-check config): whether probing runs at all, how often a healthy
 * version is probed, how many failures in a row make it unhealthy, and how long an unhealthy version waits before
 * it is probed again.
 */
public record HealthCheckPolicy(boolean enabled, Duration interval, int maxErrorCount, Duration retryAfter) {

    public static final Duration SHORTEST_INTERVAL = Duration.ofSeconds(1);
    public static final Duration LONGEST_INTERVAL = Duration.ofDays(1);
    public static final Duration LONGEST_RETRY = Duration.ofDays(7);
    public static final int MOST_ERRORS = 1000;

    /** @throws IllegalArgumentException naming the setting that is out of range, and its range */
    public HealthCheckPolicy {
        if (interval == null || interval.compareTo(SHORTEST_INTERVAL) < 0 || interval.compareTo(LONGEST_INTERVAL) > 0) {
            throw new IllegalArgumentException("the probe interval must be between 1 second and 1 day, got "
                + interval);
        }
        if (maxErrorCount < 1 || maxErrorCount > MOST_ERRORS) {
            throw new IllegalArgumentException("'max_error_count' must be between 1 and " + MOST_ERRORS + ", got "
                + maxErrorCount);
        }
        if (retryAfter == null || retryAfter.compareTo(SHORTEST_INTERVAL) < 0 || retryAfter.compareTo(LONGEST_RETRY) > 0) {
            throw new IllegalArgumentException("the retry delay must be between 1 second and 7 days, got "
                + retryAfter);
        }
    }
}
