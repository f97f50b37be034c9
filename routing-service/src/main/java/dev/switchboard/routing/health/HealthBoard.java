package dev.switchboard.routing.health;

import dev.switchboard.schemas.VersionKey;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the router currently believes about each version's health, from the latest health event per version.
 * A version nobody has reported on yet is routable: a new version must not wait for its first probe.
 */
public final class HealthBoard {

    /**
     * The latest report on one version.
     *
     * @param score     0-100; the prober's health score where it sent one, else 100 healthy and 0 unhealthy
     * @param checkedAt when the prober made the check this report comes from
     */
    public record Report(boolean healthy, double score, String detail, Instant checkedAt) {

        public Report(final boolean healthy, final String detail, final Instant checkedAt) {
            this(healthy, healthy ? 100 : 0, detail, checkedAt);
        }
    }

    private final Map<VersionKey, Report> reports = new ConcurrentHashMap<>();

    /** @return true when the report changed whether the version is routable */
    public boolean report(final VersionKey version, final Report report) {
        final Report previous = reports.put(version, report);
        return previous == null ? !report.healthy() : previous.healthy() != report.healthy();
    }

    public void forget(final VersionKey version) {
        reports.remove(version);
    }

    public Optional<Report> report(final VersionKey version) {
        return Optional.ofNullable(reports.get(version));
    }

    /** The health score of a version: 100 until the prober says otherwise. */
    public double score(final VersionKey version) {
        final Report report = reports.get(version);
        return report == null ? 100 : report.score();
    }

    public boolean isRoutable(final VersionKey version) {
        final Report report = reports.get(version);
        return report == null || report.healthy();
    }
}
