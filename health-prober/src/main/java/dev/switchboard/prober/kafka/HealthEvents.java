package dev.switchboard.prober.kafka;

import dev.switchboard.events.HealthEvent;
import dev.switchboard.prober.health.VersionHealth;
import dev.switchboard.prober.schedule.HealthReport;
import java.util.Locale;
import java.util.Optional;

/** Health state to and from {@link HealthEvent}s: every field of the state travels, so another prober can go on. */
final class HealthEvents {

    private HealthEvents() {
    }

    static HealthEvent toEvent(final HealthReport report, final String proberInstance) {
        final VersionHealth health = report.health();
        return HealthEvent.newBuilder()
            .setCategory(report.version().category())
            .setName(report.version().name())
            .setVersion(report.version().version())
            .setCheckedAt(report.checkedAt())
            .setHealthy(health.healthy())
            .setStatus(health.status().name().toLowerCase(Locale.ROOT))
            .setLatencyMs(report.probe().latencyMs())
            .setHttpStatus(report.probe().httpStatus())
            .setError(report.probe().error())
            .setLastError(health.lastError().orElse(null))
            .setConsecutiveFailures(health.errorCount())
            .setConsecutiveSuccesses(health.consecutiveSuccesses())
            .setLastSuccessAt(health.lastSuccessAt().orElse(null))
            .setNextRetryAt(health.nextRetryAt().orElse(null))
            .setHealthScore(report.score())
            .setProbeSuccessAverage(health.probeSuccess())
            .setProbeLatencyAverageMs(health.probeLatencyMs().orElse(null))
            .setForced(report.forced())
            .setProberInstance(proberInstance)
            .build();
    }

    /** The state an event describes; an event of a v1 writer lacks some inputs, which start afresh. */
    static VersionHealth toHealth(final HealthEvent event) {
        return new VersionHealth(status(event), event.getConsecutiveFailures(),
            Optional.ofNullable(event.getLastError()).or(() -> Optional.ofNullable(event.getError())),
            Optional.ofNullable(event.getHttpStatus()), Optional.of(event.getCheckedAt()),
            Optional.ofNullable(event.getLastSuccessAt()), Optional.ofNullable(event.getNextRetryAt()),
            event.getConsecutiveSuccesses(),
            Optional.ofNullable(event.getProbeSuccessAverage()).orElse(event.getHealthy() ? 1.0 : 0.0),
            Optional.ofNullable(event.getProbeLatencyAverageMs())
                .or(() -> Optional.ofNullable(event.getLatencyMs()).map(Long::doubleValue)));
    }

    /** The event's status; from its healthy flag when it has none or one this version does not know. */
    private static VersionHealth.Status status(final HealthEvent event) {
        final VersionHealth.Status byFlag =
            event.getHealthy() ? VersionHealth.Status.HEALTHY : VersionHealth.Status.UNHEALTHY;
        if (event.getStatus() == null) {
            return byFlag;
        }
        try {
            return VersionHealth.Status.valueOf(event.getStatus().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException newerStatus) {
            return byFlag;
        }
    }
}
