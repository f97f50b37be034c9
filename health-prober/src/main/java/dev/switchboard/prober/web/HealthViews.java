package dev.switchboard.prober.web;

import dev.switchboard.prober.health.HealthCheckPolicy;
import dev.switchboard.prober.health.VersionHealth;
import dev.switchboard.prober.kafka.HealthCheckConfigStore;
import dev.switchboard.prober.stats.StatsClient;
import dev.switchboard.schemas.VersionKey;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The JSON shapes of seed 001's health API, field names as the seed writes them. */
final class HealthViews {

    private HealthViews() {
    }

    /** Seed 001's answer envelope. */
    static Map<String, Object> ok(final Object data) {
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", 200);
        body.put("data", data);
        return body;
    }

    /**
     * One version's health as seed 001 shows it, with seed 004's {@code ProviderValidation} fields.
     *
     * @param health empty when the version has not been probed yet
     * @param recent empty when stats-streams could not say
     */
    static Map<String, Object> version(final VersionKey key, final boolean active, final Optional<VersionHealth> health,
                                       final Optional<Double> score, final Optional<StatsClient.Recent> recent) {
        final VersionHealth state = health.orElse(VersionHealth.unknown());
        final Map<String, Object> view = new LinkedHashMap<>();
        view.put("provider_id", key.toString());
        view.put("provider_name", key.name());
        view.put("category", key.category());
        view.put("version", key.version());
        view.put("is_active", active);
        view.put("status", state.status().name().toLowerCase(Locale.ROOT));
        view.put("is_healthy", state.healthy());
        view.put("health_score", score.orElseGet(() -> state.score(recent.map(StatsClient.Recent::live))));
        view.put("error_count", state.errorCount());
        view.put("consecutive_successes", state.consecutiveSuccesses());
        view.put("last_error", state.lastError().orElse(null));
        view.put("last_status_code", state.lastStatusCode().orElse(null));
        view.put("last_validated_at", state.lastValidatedAt().map(Object::toString).orElse(null));
        view.put("last_success_at", state.lastSuccessAt().map(Object::toString).orElse(null));
        view.put("next_retry_at", state.nextRetryAt().map(Object::toString).orElse(null));
        view.put("success_rate_24h", recent.map(StatsClient.Recent::successRatePercent).orElse(null));
        view.put("total_requests_24h", recent.map(StatsClient.Recent::totalRequests).orElse(null));
        return view;
    }

    /** The config as seed 001 reads it, plus the finer-grained fields that override its whole minutes and hours. */
    static Map<String, Object> config(final HealthCheckConfigStore.Current current) {
        final HealthCheckPolicy policy = current.policy();
        final Map<String, Object> view = new LinkedHashMap<>();
        view.put("enabled", policy.enabled());
        view.put("interval_minutes", whole(policy.interval(), Duration.ofMinutes(1)));
        view.put("max_error_count", policy.maxErrorCount());
        view.put("retry_after_hours", whole(policy.retryAfter(), Duration.ofHours(1)));
        view.put("interval_seconds", policy.interval().toSeconds());
        view.put("retry_after_minutes", whole(policy.retryAfter(), Duration.ofMinutes(1)));
        view.put("retry_after_seconds", policy.retryAfter().toSeconds());
        view.put("updated_at", current.updatedAt().map(Object::toString).orElse(null));
        view.put("updated_by", current.updatedBy().orElse(null));
        return view;
    }

    /** A duration in a unit: a whole number when it divides evenly, else a fraction. */
    private static Number whole(final Duration duration, final Duration unit) {
        final long seconds = duration.toSeconds();
        final long unitSeconds = unit.toSeconds();
        return seconds % unitSeconds == 0 ? (Number) (seconds / unitSeconds)
            : (Number) (Math.round(1000.0 * seconds / unitSeconds) / 1000.0);
    }
}
