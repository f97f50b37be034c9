package dev.switchboard.prober.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.prober.health.HealthCheckPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class HealthCheckChangeTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HealthCheckPolicy CURRENT =
        new HealthCheckPolicy(true, Duration.ofSeconds(90), 3, Duration.ofSeconds(30));

    @Test
    void shouldTakeBackWhatGetAnsweredReadOnlyFieldsAndNullsIncluded() {
        // GET's answer for 90 s / 30 s: neither is whole minutes or hours, so the coarse fields are null.
        final String asAnswered = "{\"enabled\": true, \"interval_minutes\": null, \"max_error_count\": 3, "
            + "\"retry_after_hours\": null, \"interval_seconds\": 90, \"retry_after_minutes\": null, "
            + "\"retry_after_seconds\": 30, \"updated_at\": \"2026-12-06T00:00:00Z\", \"updated_by\": \"console\"}";

        assertThat(HealthCheckChange.apply(JSON.readTree(asAnswered), CURRENT)).isEqualTo(CURRENT);
    }

    @Test
    void shouldStillRefuseAnUnknownFieldNamingTheKnownOnes() {
        assertThatThrownBy(() -> HealthCheckChange.apply(JSON.readTree("{\"intervall\": 5}"), CURRENT))
            .isInstanceOf(BadRequestException.class).hasMessageContaining("Unknown field 'intervall'")
            .hasMessageContaining("interval_seconds");
    }

    @Test
    void shouldLetTheFinestFieldGivenWin() {
        final HealthCheckPolicy changed = HealthCheckChange.apply(JSON.readTree(
            "{\"interval_minutes\": 2, \"interval_seconds\": 5, \"retry_after_hours\": 1}"), CURRENT);

        assertThat(changed.interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(changed.retryAfter()).isEqualTo(Duration.ofHours(1));
    }
}
