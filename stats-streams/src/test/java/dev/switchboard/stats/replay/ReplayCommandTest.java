package dev.switchboard.stats.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The replay command refuses what it cannot run, saying why and how it is used, before it touches Kafka. */
class ReplayCommandTest {

    private final ByteArrayOutputStream errors = new ByteArrayOutputStream();
    private PrintStream original;

    @BeforeEach
    void captureErrors() {
        original = System.err;
        System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setErr(original);
    }

    @Test
    void shouldRefuseAProviderWithoutItsCategory() throws Exception {
        assertThat(ReplayCommand.run(new String[] {"--provider", "OllamaLLM", "--from", "2026-11-21", "--to",
            "2026-11-22"})).isEqualTo(2);
        assertThat(errors.toString(StandardCharsets.UTF_8)).contains("--provider is CATEGORY/NAME");
    }

    @Test
    void shouldRefuseBothAProviderAndAnExperiment() throws Exception {
        assertThat(ReplayCommand.run(new String[] {"--provider", "LLM/A", "--experiment", "e", "--from", "2026-11-21",
            "--to", "2026-11-22"})).isEqualTo(2);
        assertThat(errors.toString(StandardCharsets.UTF_8)).contains("exactly one of --provider and --experiment");
    }

    @Test
    void shouldRefuseATimeItCannotRead() throws Exception {
        assertThat(ReplayCommand.run(new String[] {"--provider", "LLM/A", "--from", "yesterday", "--to",
            "2026-11-22"})).isEqualTo(2);
        assertThat(errors.toString(StandardCharsets.UTF_8)).contains("'--from'", "must be 2026-11-22 or");
    }

    @Test
    void shouldRefuseAProvidersReplayWithoutItsRange() throws Exception {
        assertThat(ReplayCommand.run(new String[] {"--provider", "LLM/A", "--from", "2026-11-21"})).isEqualTo(2);
        assertThat(errors.toString(StandardCharsets.UTF_8)).contains("needs --from and --to");
    }

    @Test
    void shouldShowItsUsageWithTheRefusal() throws Exception {
        assertThat(ReplayCommand.run(new String[] {"--provider", "LLM/A", "--whatever", "x"})).isEqualTo(2);
        assertThat(errors.toString(StandardCharsets.UTF_8)).contains("Unknown option", "Usage: replay",
            "--experiment=NAME");
    }

    @Test
    void shouldRefuseAReportOfAProvider() throws Exception {
        assertThat(ReplayCommand.run(new String[] {"--provider", "LLM/A", "--from", "2026-11-21", "--to", "2026-11-22",
            "--report", "reports"})).isEqualTo(2);
        assertThat(errors.toString(StandardCharsets.UTF_8)).contains("--report is for an experiment");
    }
}
