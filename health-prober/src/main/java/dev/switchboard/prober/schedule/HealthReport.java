package dev.switchboard.prober.schedule;

import dev.switchboard.prober.health.VersionHealth;
import dev.switchboard.prober.probe.ProbeResult;
import dev.switchboard.schemas.VersionKey;
import java.time.Instant;

/**
 * One probe's result and the version's health after it.
 *
 * @param score  the health score 0-100 (see {@code HealthScore})
 * @param forced true when an operator asked for this check
 */
public record HealthReport(VersionKey version, VersionHealth health, ProbeResult probe, double score,
                           boolean forced, Instant checkedAt) {
}
