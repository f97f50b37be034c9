package dev.switchboard.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus rules shipped in deploy/prometheus, checked by Debian's promtool (package prometheus): the file is
 * valid, and its unit tests (switchboard-rules.test.yml) see each alert fire on the series it is for, after its hold
 * time, and stay quiet otherwise. LocalSwitchboardIT checks that the metrics the rules read are the ones the
 * services export.
 */
class PrometheusRulesTest {

    private static final Path RULES = Path.of(System.getProperty("user.dir")).getParent().resolve("deploy/prometheus");

    @Test
    void shouldPassPromtoolsCheck() throws Exception {
        assertThat(promtool("check", "rules", "switchboard-rules.yml")).contains("SUCCESS");
    }

    @Test
    void shouldPassTheRulesUnitTests() throws Exception {
        assertThat(promtool("test", "rules", "switchboard-rules.test.yml")).contains("SUCCESS");
    }

    private static String promtool(final String... args) throws IOException, InterruptedException {
        final String[] command = new String[args.length + 1];
        command[0] = "promtool";
        System.arraycopy(args, 0, command, 1, args.length);
        final Process process;
        try {
            process = new ProcessBuilder(command).directory(RULES.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("promtool is needed to check deploy/prometheus: apt-get install prometheus", e);
        }
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("promtool %s:%n%s", String.join(" ", args), output).isZero();
        return output;
    }
}
