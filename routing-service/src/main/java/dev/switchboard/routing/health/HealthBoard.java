package dev.switchboard.routing.health;

import dev.switchboard.schemas.VersionKey;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the router currently believes about each version's health, from the latest health event per version, and
 * the last few changes of each version's status since this router started (for operators; routing reads only the
 * latest). A version nobody has reported on yet is routable: a new version must not wait for its first probe.
 */
public final class HealthBoard {

    /** Status changes kept per version. */
    static final int HISTORY = 20;

    /**
     * The latest report on one version.
     *
     * @param status    the prober's word for it: healthy, degraded (failing, still routed) or unhealthy
     * @param score     0-100; the prober's health score where it sent one, else 100 healthy and 0 unhealthy
     * @param checkedAt when the prober made the check this report comes from
     */
    public record Report(boolean healthy, String status, double score, String detail, Instant checkedAt) {

        public Report(final boolean healthy, final double score, final String detail, final Instant checkedAt) {
            this(healthy, healthy ? "healthy" : "unhealthy", score, detail, checkedAt);
        }

        public Report(final boolean healthy, final String detail, final Instant checkedAt) {
            this(healthy, healthy ? 100 : 0, detail, checkedAt);
        }
    }

    private final Map<VersionKey, Report> reports = new ConcurrentHashMap<>();
    private final Map<VersionKey, Deque<Report>> changes = new ConcurrentHashMap<>();

    /** @return true when the report changed whether the version is routable */
    public boolean report(final VersionKey version, final Report report) {
        final Report previous = reports.put(version, report);
        if (previous == null || !previous.status().equals(report.status())) {
            final Deque<Report> history = changes.computeIfAbsent(version, v -> new ArrayDeque<>());
            synchronized (history) {
                history.addFirst(report);
                if (history.size() > HISTORY) {
                    history.removeLast();
                }
            }
        }
        return previous == null ? !report.healthy() : previous.healthy() != report.healthy();
    }

    public void forget(final VersionKey version) {
        reports.remove(version);
        changes.remove(version);
    }

    /** The reports that changed the version's status (the first one seen included), newest first. */
    public List<Report> changes(final VersionKey version) {
        final Deque<Report> history = changes.get(version);
        if (history == null) {
            return List.of();
        }
        synchronized (history) {
            return List.copyOf(history);
        }
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
