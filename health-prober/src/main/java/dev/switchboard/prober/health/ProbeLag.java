package dev.switchboard.prober.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

/**
 * How late the probes are, across every version there is somewhere to probe, from the health every prober published:
 * the health of the health checks. A version is stale when its probe is overdue by more than an interval (a healthy
 * one not probed for twice its interval): its prober died and nobody took it over, or probing is stuck.
 *
 * @param staleVersions how many versions are stale
 * @param mostOverdue   how far the most overdue probe is past its time; zero when none is
 */
public record ProbeLag(int staleVersions, Duration mostOverdue) {

    /**
     * One version to probe.
     *
     * @param health the health last published for it, empty when it was never probed
     * @param since  when it was configured: a version never probed is due from then
     */
    public record Probed(Optional<VersionHealth> health, Instant since) {
    }

    public static ProbeLag of(final Collection<Probed> versions, final HealthCheckPolicy policy, final Instant now) {
        if (!policy.enabled()) {
            return new ProbeLag(0, Duration.ZERO);
        }
        int stale = 0;
        Duration most = Duration.ZERO;
        for (final Probed version : versions) {
            final Instant due = version.health().flatMap(health -> health.dueAt(policy)).orElse(version.since());
            final Duration overdue = Duration.between(due, now);
            if (overdue.compareTo(policy.interval()) > 0) {
                stale++;
            }
            if (overdue.compareTo(most) > 0) {
                most = overdue;
            }
        }
        return new ProbeLag(stale, most);
    }
}
