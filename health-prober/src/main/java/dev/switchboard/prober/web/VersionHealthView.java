package dev.switchboard.prober.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.prober.health.VersionHealth;
import dev.switchboard.prober.stats.StatsClient;
import dev.switchboard.schemas.VersionKey;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * One version's health as seed 001 shows it, with seed 004's {@code ProviderValidation} fields, named by Jackson's
 * snake-case naming (which would write {@code success_rate24h}: the seed's {@code _24h} fields are named as it names them).
 *
 * @param successRate24h   percent of the last day's requests that succeeded; null when stats-streams could not say
 * @param totalRequests24h null when stats-streams could not say
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record VersionHealthView(String providerId, String providerName, String category, String version, boolean isActive,
                         String status, boolean isHealthy, double healthScore, int errorCount,
                         int consecutiveSuccesses, @Nullable String lastError, @Nullable Integer lastStatusCode,
                         @Nullable Instant lastValidatedAt, @Nullable Instant lastSuccessAt,
                         @Nullable Instant nextRetryAt,
                         @JsonProperty("success_rate_24h") @Nullable Double successRate24h,
                         @JsonProperty("total_requests_24h") @Nullable Long totalRequests24h) {

    /**
     * @param health empty when the version has not been probed yet
     * @param score  the score published with the health, if any
     * @param recent empty when stats-streams could not say
     */
    static VersionHealthView of(final VersionKey key, final boolean active, final Optional<VersionHealth> health,
                                final Optional<Double> score, final Optional<StatsClient.Recent> recent) {
        final VersionHealth state = health.orElse(VersionHealth.unknown());
        return new VersionHealthView(key.toString(), key.name(), key.category(), key.version(), active,
            state.status().name().toLowerCase(Locale.ROOT), state.healthy(),
            score.orElseGet(() -> state.score(recent.map(StatsClient.Recent::live))), state.errorCount(),
            state.consecutiveSuccesses(), state.lastError().orElse(null), state.lastStatusCode().orElse(null),
            state.lastValidatedAt().orElse(null), state.lastSuccessAt().orElse(null),
            state.nextRetryAt().orElse(null), recent.map(StatsClient.Recent::successRatePercent).orElse(null),
            recent.map(StatsClient.Recent::totalRequests).orElse(null));
    }
}
