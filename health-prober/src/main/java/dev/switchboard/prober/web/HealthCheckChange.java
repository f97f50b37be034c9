package dev.switchboard.prober.web;

import dev.switchboard.prober.health.HealthCheckPolicy;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A {@code PUT /api/health-check/config} body, bound by Jackson: seed 001's fields ({@code enabled},
 * {@code interval_minutes}, {@code max_error_count}, {@code retry_after_hours}); a field left out or {@code null}
 * keeps its value. Finer fields override coarser ones, for short test set-ups: {@code interval_seconds} over
 * {@code interval_minutes}, and {@code retry_after_seconds} over {@code retry_after_minutes} over
 * {@code retry_after_hours}. What {@code GET} answers is accepted back as it is: its read-only fields
 * ({@code updated_at}, {@code updated_by}) are ignored.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record HealthCheckChange(@Nullable Boolean enabled, @Nullable Double intervalMinutes, @Nullable Long intervalSeconds,
                         @Nullable Long maxErrorCount, @Nullable Double retryAfterHours,
                         @Nullable Double retryAfterMinutes, @Nullable Long retryAfterSeconds,
                         @Schema(hidden = true) @Nullable Object updatedAt,
                         @Schema(hidden = true) @Nullable String updatedBy) {

    HealthCheckChange {
        atLeastOne(intervalSeconds, "interval_seconds");
        atLeastOne(retryAfterSeconds, "retry_after_seconds");
        atLeastOne(maxErrorCount, "max_error_count");
        positive(intervalMinutes, "interval_minutes");
        positive(retryAfterHours, "retry_after_hours");
        positive(retryAfterMinutes, "retry_after_minutes");
    }

    /** @throws BadRequestException saying which field is wrong and why; nothing is applied then */
    HealthCheckPolicy applyTo(final HealthCheckPolicy current) {
        Duration interval = current.interval();
        if (intervalSeconds != null) {
            interval = Duration.ofSeconds(intervalSeconds);
        } else if (intervalMinutes != null) {
            interval = Duration.ofSeconds(Math.round(intervalMinutes * 60));
        }
        Duration retryAfter = current.retryAfter();
        if (retryAfterSeconds != null) {
            retryAfter = Duration.ofSeconds(retryAfterSeconds);
        } else if (retryAfterMinutes != null) {
            retryAfter = Duration.ofSeconds(Math.round(retryAfterMinutes * 60));
        } else if (retryAfterHours != null) {
            retryAfter = Duration.ofSeconds(Math.round(retryAfterHours * 3600));
        }
        try {
            return new HealthCheckPolicy(enabled == null ? current.enabled() : enabled, interval,
                maxErrorCount == null ? current.maxErrorCount()
                    : Math.toIntExact(Math.min(Integer.MAX_VALUE, maxErrorCount)), retryAfter);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
    }

    private static void atLeastOne(final @Nullable Long value, final String field) {
        if (value != null && value < 1) {
            throw new BadRequestException("'" + field + "' must be a whole number >= 1, got " + value);
        }
    }

    private static void positive(final @Nullable Double value, final String field) {
        if (value != null && !(value > 0)) {
            throw new BadRequestException("'" + field + "' must be a number > 0, got " + value);
        }
    }
}
