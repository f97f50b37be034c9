package dev.switchboard.routing.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.schemas.VersionKey;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HealthBoardTest {

    private final HealthBoard board = new HealthBoard();
    private final VersionKey v1 = new VersionKey("LLM", "Chat", "v1");

    @Test
    void shouldKeepOnlyTheReportsThatChangedTheStatusNewestFirst() {
        board.report(v1, new HealthBoard.Report(true, "healthy", 100, "healthy", Instant.ofEpochSecond(1)));
        board.report(v1, new HealthBoard.Report(true, "healthy", 100, "healthy", Instant.ofEpochSecond(2)));
        board.report(v1, new HealthBoard.Report(true, "degraded", 60, "HTTP 503: busy", Instant.ofEpochSecond(3)));
        board.report(v1, new HealthBoard.Report(false, "unhealthy", 0, "HTTP 503: busy", Instant.ofEpochSecond(4)));
        board.report(v1, new HealthBoard.Report(false, "unhealthy", 0, "HTTP 503: busy", Instant.ofEpochSecond(5)));

        assertThat(board.changes(v1)).extracting(HealthBoard.Report::status)
            .containsExactly("unhealthy", "degraded", "healthy");
        assertThat(board.changes(v1).get(0).checkedAt()).isEqualTo(Instant.ofEpochSecond(4));
        assertThat(board.report(v1)).get().extracting(HealthBoard.Report::checkedAt)
            .as("the latest report is still the one routing reads").isEqualTo(Instant.ofEpochSecond(5));
    }

    @Test
    void shouldKeepABoundedHistoryAndForgetItWithTheVersion() {
        for (int i = 0; i < 3 * HealthBoard.HISTORY; i++) {
            board.report(v1, new HealthBoard.Report(i % 2 == 0, "note", Instant.ofEpochSecond(i)));
        }
        assertThat(board.changes(v1)).hasSize(HealthBoard.HISTORY);

        board.forget(v1);

        assertThat(board.changes(v1)).isEmpty();
        assertThat(board.isRoutable(v1)).isTrue();
    }
}
