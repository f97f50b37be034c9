package dev.switchboard.prober.web;

import dev.switchboard.prober.health.HealthCheckPolicy;
import dev.switchboard.prober.kafka.HealthCheckConfigStore;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The health-check config as seed 001 reads it ({@code enabled}, {@code interval_minutes}, {@code max_error_count},
 * {@code retry_after_hours}), plus the finer fields that override its minutes and hours. A duration in a coarse
 * unit is a whole number when it divides evenly, else a fraction.
 *
 * @param updatedBy who made the last change; null for the defaults
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record HealthCheckConfigView(boolean enabled, Number intervalMinutes, int maxErrorCount, Number retryAfterHours,
                             long intervalSeconds, Number retryAfterMinutes, long retryAfterSeconds,
                             @Nullable Instant updatedAt, @Nullable String updatedBy) {

    static HealthCheckConfigView of(final HealthCheckConfigStore.Current current) {
        final HealthCheckPolicy policy = current.policy();
        return new HealthCheckConfigView(policy.enabled(), in(policy.interval(), Duration.ofMinutes(1)),
            policy.maxErrorCount(), in(policy.retryAfter(), Duration.ofHours(1)), policy.interval().toSeconds(),
            in(policy.retryAfter(), Duration.ofMinutes(1)), policy.retryAfter().toSeconds(),
            current.updatedAt().orElse(null), current.updatedBy().orElse(null));
    }

    private static Number in(final Duration duration, final Duration unit) {
        final long seconds = duration.toSeconds();
        final long unitSeconds = unit.toSeconds();
        return seconds % unitSeconds == 0 ? (Number) (seconds / unitSeconds)
            : (Number) (Math.round(1000.0 * seconds / unitSeconds) / 1000.0);
    }
}
