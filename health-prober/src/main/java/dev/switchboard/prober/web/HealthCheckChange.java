package dev.switchboard.prober.web;

import dev.switchboard.prober.health.HealthCheckPolicy;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A {@code PUT /api/health-check/config} body applied to the policy in force. Seed 001's fields
 * ({@code enabled}, {@code interval_minutes}, {@code max_error_count}, {@code retry_after_hours}); a field left out
 * keeps its value. Finer fields override coarser ones, for short test set-ups: {@code interval_seconds} over
 * {@code interval_minutes}, and {@code retry_after_seconds} over {@code retry_after_minutes} over
 * {@code retry_after_hours}. What {@code GET} answers is accepted back as it is: its read-only fields
 * ({@code updated_at}, {@code updated_by}) are ignored, and a field given as {@code null} is left out.
 */
final class HealthCheckChange {

    static final List<String> FIELDS = List.of("enabled", "interval_minutes", "interval_seconds", "max_error_count",
        "retry_after_hours", "retry_after_minutes", "retry_after_seconds");
    /** Answered by GET, set by the prober itself. */
    static final List<String> READ_ONLY = List.of("updated_at", "updated_by");

    private HealthCheckChange() {
    }

    /** @throws BadRequestException saying which field is wrong and why; nothing is applied then */
    static HealthCheckPolicy apply(final JsonNode body, final HealthCheckPolicy current) {
        if (body == null || !body.isObject()) {
            throw new BadRequestException("The body must be a JSON object with any of " + FIELDS);
        }
        for (final Iterator<String> names = body.propertyNames().iterator(); names.hasNext(); ) {
            final String name = names.next();
            if (!FIELDS.contains(name) && !READ_ONLY.contains(name)) {
                throw new BadRequestException("Unknown field '" + name + "'; known fields: " + FIELDS);
            }
        }
        final boolean enabled = given(body, "enabled") ? bool(body, "enabled") : current.enabled();
        Duration interval = current.interval();
        if (given(body, "interval_seconds")) {
            interval = Duration.ofSeconds(whole(body, "interval_seconds"));
        } else if (given(body, "interval_minutes")) {
            interval = Duration.ofSeconds(Math.round(positive(body, "interval_minutes") * 60));
        }
        Duration retryAfter = current.retryAfter();
        if (given(body, "retry_after_seconds")) {
            retryAfter = Duration.ofSeconds(whole(body, "retry_after_seconds"));
        } else if (given(body, "retry_after_minutes")) {
            retryAfter = Duration.ofSeconds(Math.round(positive(body, "retry_after_minutes") * 60));
        } else if (given(body, "retry_after_hours")) {
            retryAfter = Duration.ofSeconds(Math.round(positive(body, "retry_after_hours") * 3600));
        }
        final int maxErrorCount = given(body, "max_error_count")
            ? Math.toIntExact(Math.min(Integer.MAX_VALUE, whole(body, "max_error_count"))) : current.maxErrorCount();
        try {
            return new HealthCheckPolicy(enabled, interval, maxErrorCount, retryAfter);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
    }

    private static boolean given(final JsonNode body, final String field) {
        return body.has(field) && !body.get(field).isNull();
    }

    private static boolean bool(final JsonNode body, final String field) {
        final JsonNode value = body.get(field);
        if (!value.isBoolean()) {
            throw new BadRequestException("'" + field + "' must be true or false, got " + value);
        }
        return value.booleanValue();
    }

    private static long whole(final JsonNode body, final String field) {
        final JsonNode value = body.get(field);
        if (!value.isIntegralNumber() || value.longValue() < 1) {
            throw new BadRequestException("'" + field + "' must be a whole number >= 1, got " + value);
        }
        return value.longValue();
    }

    private static double positive(final JsonNode body, final String field) {
        final JsonNode value = body.get(field);
        if (!value.isNumber() || value.doubleValue() <= 0) {
            throw new BadRequestException("'" + field + "' must be a number > 0, got " + value);
        }
        return value.doubleValue();
    }
}
