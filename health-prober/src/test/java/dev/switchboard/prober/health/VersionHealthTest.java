package dev.switchboard.prober.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.prober.health.VersionHealth.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VersionHealthTest {

    private static final HealthCheckPolicy POLICY = new HealthCheckPolicy(true, Duration.ofMinutes(5), 3,
        Duration.ofHours(1));
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    @Test
    void shouldBeRoutableAndDueBeforeItsFirstProbe() {
        final VersionHealth health = VersionHealth.unknown();

        assertThat(health.status()).isEqualTo(Status.UNKNOWN);
        assertThat(health.healthy()).isTrue();
        assertThat(health.isDue(T0, POLICY)).isTrue();
        assertThat(health.score(Optional.empty())).isEqualTo(100.0);
    }

    @Test
    void shouldBeHealthyAfterASuccessAndCountSuccessesInARow() {
        final VersionHealth health = VersionHealth.unknown().afterSuccess(T0, 200, 120)
            .afterSuccess(T0.plusSeconds(300), 200, 80);

        assertThat(health.status()).isEqualTo(Status.HEALTHY);
        assertThat(health.consecutiveSuccesses()).isEqualTo(2);
        assertThat(health.errorCount()).isZero();
        assertThat(health.lastStatusCode()).contains(200);
        assertThat(health.lastValidatedAt()).contains(T0.plusSeconds(300));
        assertThat(health.lastSuccessAt()).contains(T0.plusSeconds(300));
        assertThat(health.nextRetryAt()).isEmpty();
    }

    @Test
    void shouldBeDueAgainOneIntervalAfterItsLastProbeWhileHealthy() {
        final VersionHealth health = VersionHealth.unknown().afterSuccess(T0, 200, 100);

        assertThat(health.isDue(T0.plus(Duration.ofMinutes(5)).minusMillis(1), POLICY)).isFalse();
        assertThat(health.isDue(T0.plus(Duration.ofMinutes(5)), POLICY)).isTrue();
    }

    @Test
    void shouldStayRoutableButDegradedWithFewerFailuresThanTheMaximum() {
        final VersionHealth health = healthy().afterFailure(T0, Optional.of(500), "HTTP 500", 30, POLICY)
            .afterFailure(T0.plusSeconds(300), Optional.empty(), "cannot connect", 5, POLICY);

        assertThat(health.status()).isEqualTo(Status.DEGRADED);
        assertThat(health.healthy()).isTrue();
        assertThat(health.errorCount()).isEqualTo(2);
        assertThat(health.consecutiveSuccesses()).isZero();
        assertThat(health.lastError()).contains("cannot connect");
        assertThat(health.lastStatusCode()).isEmpty();
        assertThat(health.nextRetryAt()).isEmpty();
        assertThat(health.lastSuccessAt()).contains(T0.minusSeconds(300));
    }

    @Test
    void shouldTurnUnhealthyAtTheMaximumErrorCountAndWaitForItsRetryTime() {
        final VersionHealth health = failedTimes(healthy(), 3, T0);

        assertThat(health.status()).isEqualTo(Status.UNHEALTHY);
        assertThat(health.healthy()).isFalse();
        final Instant lastProbe = T0.plusSeconds(2 * 300);
        assertThat(health.nextRetryAt()).contains(lastProbe.plus(Duration.ofHours(1)));
        assertThat(health.isDue(lastProbe.plus(Duration.ofMinutes(5)), POLICY))
            .as("an unhealthy version waits for its retry time, not the interval").isFalse();
        assertThat(health.isDue(lastProbe.plus(Duration.ofHours(1)), POLICY)).isTrue();
        assertThat(health.score(Optional.empty())).isZero();
    }

    @Test
    void shouldSetTheNextRetryFurtherOffWhenARetryFails() {
        final VersionHealth unhealthy = failedTimes(healthy(), 3, T0);
        final Instant retry = unhealthy.nextRetryAt().orElseThrow();

        final VersionHealth stillDown = unhealthy.afterFailure(retry, Optional.of(503), "HTTP 503", 10, POLICY);

        assertThat(stillDown.status()).isEqualTo(Status.UNHEALTHY);
        assertThat(stillDown.errorCount()).isEqualTo(4);
        assertThat(stillDown.nextRetryAt()).contains(retry.plus(Duration.ofHours(1)));
    }

    @Test
    void shouldRestoreAnUnhealthyVersionOnASuccessfulRetry() {
        final VersionHealth unhealthy = failedTimes(healthy(), 3, T0);
        final Instant retry = unhealthy.nextRetryAt().orElseThrow();

        final VersionHealth restored = unhealthy.afterSuccess(retry, 200, 90);

        assertThat(restored.status()).isEqualTo(Status.HEALTHY);
        assertThat(restored.errorCount()).isZero();
        assertThat(restored.nextRetryAt()).isEmpty();
        assertThat(restored.lastSuccessAt()).contains(retry);
        assertThat(restored.lastError()).as("the last error stays, to explain the past").contains("HTTP 500");
        assertThat(restored.isDue(retry.plus(Duration.ofMinutes(5)), POLICY)).isTrue();
    }

    @Test
    void shouldNeedFewerFailuresWhenTheMaximumIsLowered() {
        final HealthCheckPolicy strict = new HealthCheckPolicy(true, Duration.ofSeconds(1), 1, Duration.ofMinutes(1));

        final VersionHealth health = healthy().afterFailure(T0, Optional.of(500), "HTTP 500", 10, strict);

        assertThat(health.status()).isEqualTo(Status.UNHEALTHY);
        assertThat(health.nextRetryAt()).contains(T0.plus(Duration.ofMinutes(1)));
    }

    @Test
    void shouldScoreByRecentSuccessAndLatency() {
        assertThat(healthy().score(Optional.empty())).isEqualTo(100.0);

        final VersionHealth failing = healthy().afterFailure(T0, Optional.of(500), "HTTP 500", 50, POLICY);
        assertThat(failing.score(Optional.empty())).isEqualTo(70.0); // the newest probe weighs 30%

        VersionHealth slow = VersionHealth.unknown();
        for (int i = 0; i < 40; i++) {
            slow = slow.afterSuccess(T0.plusSeconds(i), 200, 10_000);
        }
        assertThat(slow.score(Optional.empty())).isEqualTo(50.0);
    }

    @Test
    void shouldMixInLiveTrafficOnceThereIsEnoughOfIt() {
        final VersionHealth health = healthy();

        assertThat(health.score(Optional.of(new LiveTraffic(19, 0, 50))))
            .as("too few live requests to judge by").isEqualTo(100.0);
        assertThat(health.score(Optional.of(new LiveTraffic(100, 60, 50)))).isEqualTo(80.0);
        assertThat(health.score(Optional.of(new LiveTraffic(100, 100, 19_900)))).isEqualTo(50.0);
    }

    @Test
    void shouldRefuseAPolicyOutOfRangeNamingTheSetting() {
        assertThatThrownBy(() -> new HealthCheckPolicy(true, Duration.ofMillis(500), 5, Duration.ofHours(1)))
            .hasMessageContaining("interval");
        assertThatThrownBy(() -> new HealthCheckPolicy(true, Duration.ofMinutes(5), 0, Duration.ofHours(1)))
            .hasMessageContaining("'max_error_count' must be between 1 and 1000");
        assertThatThrownBy(() -> new HealthCheckPolicy(true, Duration.ofMinutes(5), 5, Duration.ofDays(8)))
            .hasMessageContaining("retry");
    }

    private static VersionHealth healthy() {
        return VersionHealth.unknown().afterSuccess(T0.minusSeconds(300), 200, 100);
    }

    private static VersionHealth failedTimes(final VersionHealth from, final int times, final Instant start) {
        VersionHealth health = from;
        for (int i = 0; i < times; i++) {
            health = health.afterFailure(start.plusSeconds(300L * i), Optional.of(500), "HTTP 500", 20, POLICY);
        }
        return health;
    }
}
