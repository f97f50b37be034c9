package dev.switchboard.routing.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.testing.MutableClock;
import dev.switchboard.schemas.VersionKey;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OutlierDetectorTest {

    private static final VersionKey V1 = new VersionKey("LLM", "OllamaLLM", "v1");

    private final MutableClock clock = new MutableClock();
    private final OutlierDetector detector = new OutlierDetector(
        new OutlierDetector.Settings(3, Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(20)), clock);

    @Test
    void ejectsAVersionAfterConsecutiveFailuresOnly() {
        detector.recordFailure(V1);
        detector.recordFailure(V1);
        detector.recordSuccess(V1); // breaks the run
        detector.recordFailure(V1);
        detector.recordFailure(V1);
        assertThat(detector.isEjected(V1)).isFalse();

        assertThat(detector.recordFailure(V1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(detector.isEjected(V1)).isTrue();
        assertThat(detector.weightFactor(V1)).isZero();
    }

    @Test
    void bringsAVersionBackGraduallyAfterItsEjection() {
        eject();
        clock.advance(Duration.ofSeconds(10));

        assertThat(detector.isEjected(V1)).isFalse();
        assertThat(detector.weightFactor(V1)).isEqualTo(0.1);
        clock.advance(Duration.ofSeconds(10));
        assertThat(detector.weightFactor(V1)).isEqualTo(0.5);
        clock.advance(Duration.ofSeconds(10));
        assertThat(detector.weightFactor(V1)).isEqualTo(1.0);
    }

    @Test
    void doublesTheEjectionOfARepeatOffenderUpToTheMaximum() {
        assertThat(eject()).isEqualTo(Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(10));
        assertThat(eject()).isEqualTo(Duration.ofSeconds(20));
        clock.advance(Duration.ofSeconds(20));
        assertThat(eject()).isEqualTo(Duration.ofSeconds(40));
        clock.advance(Duration.ofSeconds(40));
        assertThat(eject()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void forgivesPastEjectionsAfterALongCleanRun() {
        eject();
        clock.advance(Duration.ofSeconds(10 + 20 + 61));

        assertThat(eject()).isEqualTo(Duration.ofSeconds(10));
    }

    private Duration eject() {
        Duration ejected = Duration.ZERO;
        for (int i = 0; i < 3; i++) {
            ejected = detector.recordFailure(V1);
        }
        return ejected;
    }
}
