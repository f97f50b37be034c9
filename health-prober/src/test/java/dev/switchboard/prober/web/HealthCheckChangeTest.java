package dev.switchboard.prober.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.common.web.BindingErrors;
import dev.switchboard.prober.health.HealthCheckPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Seed 001's config change, bound as the prober binds it. */
class HealthCheckChangeTest {

    private static final JsonMapper JSON = strictMapper();
    private static final HealthCheckPolicy CURRENT =
        new HealthCheckPolicy(true, Duration.ofSeconds(90), 3, Duration.ofSeconds(30));

    private static JsonMapper strictMapper() {
        final JsonMapper.Builder builder = JsonMapper.builder();
        new HealthApiConfiguration().strictHealthCommands().customize(builder);
        return builder.build();
    }

    @Test
    void shouldTakeBackWhatGetAnsweredReadOnlyFieldsAndNullsIncluded() {
        // GET's answer for 90 s / 30 s: neither is whole hours, so the coarse fields are fractions.
        final String asAnswered = "{\"enabled\": true, \"interval_minutes\": 1.5, \"max_error_count\": 3, "
            + "\"retry_after_hours\": 0.008, \"interval_seconds\": 90, \"retry_after_minutes\": null, "
            + "\"retry_after_seconds\": 30, \"updated_at\": \"2026-12-06T00:00:00Z\", \"updated_by\": \"console\"}";

        assertThat(read(asAnswered).applyTo(CURRENT)).isEqualTo(CURRENT);
    }

    @Test
    void shouldStillRefuseAnUnknownFieldNamingTheKnownOnes() {
        assertThatThrownBy(() -> read("{\"intervall\": 5}"))
            .satisfies(failure -> assertThat(BindingErrors.describe(failure))
                .contains("Unknown field 'intervall'").contains("interval_seconds"));
    }

    @Test
    void shouldRefuseAValueOfTheWrongKindNamingTheField() {
        assertThatThrownBy(() -> read("{\"enabled\": \"yes\"}"))
            .satisfies(failure -> assertThat(BindingErrors.describe(failure))
                .isEqualTo("'enabled' must be true or false"));
        assertThatThrownBy(() -> read("{\"interval_seconds\": 0}")).hasRootCauseInstanceOf(BadRequestException.class)
            .rootCause().hasMessage("'interval_seconds' must be a whole number >= 1, got 0");
    }

    @Test
    void shouldLetTheFinestFieldGivenWin() {
        final HealthCheckPolicy changed = read(
            "{\"interval_minutes\": 2, \"interval_seconds\": 5, \"retry_after_hours\": 1}").applyTo(CURRENT);

        assertThat(changed.interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(changed.retryAfter()).isEqualTo(Duration.ofHours(1));
    }

    private static HealthCheckChange read(final String body) {
        return JSON.readValue(body, HealthCheckChange.class);
    }
}
