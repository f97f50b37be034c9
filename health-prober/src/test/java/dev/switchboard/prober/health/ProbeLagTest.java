package dev.switchboard.prober.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The health of the health checks: a version is stale once its probe is overdue by more than an interval. */
class ProbeLagTest {

    private static final HealthCheckPolicy POLICY =
        new HealthCheckPolicy(true, Duration.ofMinutes(5), 3, Duration.ofHours(1));
    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    @Test
    void shouldCallAHealthyVersionStaleOnlyPastTwiceItsInterval() {
        final VersionHealth probed9MinutesAgo = VersionHealth.unknown()
            .afterSuccess(NOW.minus(Duration.ofMinutes(9)), 200, 10);
        final VersionHealth probed11MinutesAgo = VersionHealth.unknown()
            .afterSuccess(NOW.minus(Duration.ofMinutes(11)), 200, 10);

        assertThat(ProbeLag.of(List.of(probed(probed9MinutesAgo)), POLICY, NOW))
            .isEqualTo(new ProbeLag(0, Duration.ofMinutes(4)));
        assertThat(ProbeLag.of(List.of(probed(probed9MinutesAgo), probed(probed11MinutesAgo)), POLICY, NOW))
            .isEqualTo(new ProbeLag(1, Duration.ofMinutes(6)));
    }

    @Test
    void shouldWaitForAnUnhealthyVersionsRetryTimeNotItsInterval() {
        VersionHealth unhealthy = VersionHealth.unknown();
        for (int i = 0; i < 3; i++) {
            unhealthy = unhealthy.afterFailure(NOW.minus(Duration.ofMinutes(30)), Optional.of(503), "down", 10, POLICY);
        }
        assertThat(unhealthy.healthy()).isFalse();

        assertThat(ProbeLag.of(List.of(probed(unhealthy)), POLICY, NOW).staleVersions()).isZero();
    }

    @Test
    void shouldCountAVersionNeverProbedFromWhenItWasConfigured() {
        final ProbeLag lag = ProbeLag.of(List.of(new ProbeLag.Probed(Optional.empty(),
            NOW.minus(Duration.ofMinutes(6)))), POLICY, NOW);

        assertThat(lag).isEqualTo(new ProbeLag(1, Duration.ofMinutes(6)));
    }

    @Test
    void shouldReportNothingWhileChecksAreDisabled() {
        final HealthCheckPolicy off = new HealthCheckPolicy(false, Duration.ofMinutes(5), 3, Duration.ofHours(1));

        assertThat(ProbeLag.of(List.of(new ProbeLag.Probed(Optional.empty(), NOW.minus(Duration.ofDays(1)))), off,
            NOW)).isEqualTo(new ProbeLag(0, Duration.ZERO));
    }

    private static ProbeLag.Probed probed(final VersionHealth health) {
        return new ProbeLag.Probed(Optional.of(health), NOW.minus(Duration.ofDays(1)));
    }
}
