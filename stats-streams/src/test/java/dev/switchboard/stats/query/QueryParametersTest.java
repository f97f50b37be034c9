package dev.switchboard.stats.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class QueryParametersTest {

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-22T08:30:00Z"), ZoneOffset.UTC);

    @Test
    void aDailyQueryCoversTodayByDefault() {
        assertThat(QueryParameters.days(null, "", clock))
            .isEqualTo(new QueryParameters.Days(LocalDate.parse("2026-11-22"), LocalDate.parse("2026-11-22")));
    }

    @Test
    void refusesADateItCannotReadNamingTheParameter() {
        assertThatThrownBy(() -> QueryParameters.days("22/11/2026", null, clock))
            .isInstanceOf(BadQueryException.class).hasMessageContaining("'from'").hasMessageContaining("YYYY-MM-DD");
    }

    @Test
    void refusesARangeThatEndsBeforeItStartsOrSpansMoreThanAYear() {
        assertThatThrownBy(() -> QueryParameters.days("2026-11-23", "2026-11-22", clock))
            .isInstanceOf(BadQueryException.class).hasMessageContaining("must not be after");
        assertThatThrownBy(() -> QueryParameters.days("2025-01-01", "2026-11-22", clock))
            .isInstanceOf(BadQueryException.class).hasMessageContaining("at most 366 days");
    }

    @Test
    void refusesAProviderOrVersionPartThatCouldNotBeAKey() {
        assertThatThrownBy(() -> QueryParameters.provider("LLM", " "))
            .isInstanceOf(BadQueryException.class).hasMessageContaining("name must not be blank");
        assertThat(QueryParameters.provider("LLM", "OllamaLLM")).isEqualTo("LLM/OllamaLLM");
    }
}
