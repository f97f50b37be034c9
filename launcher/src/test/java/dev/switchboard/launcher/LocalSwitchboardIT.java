package dev.switchboard.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.switchboard.common.testing.FreePorts;
import org.junit.jupiter.api.Test;

/**
 * The README's run command, as a user meets it: the launcher starts the broker, the simulator and the three
 * services as processes, prints its ready line, answers the printed request, and stops everything on SIGTERM.
 */
class LocalSwitchboardIT {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void startsTheWholeSystemAnswersThePrintedRequestAndStopsCleanly() throws Exception {
        final Path home = Path.of(System.getProperty("user.dir")).getParent();
        final Path data = Files.createTempDirectory("switchboard-launcher-it");
        final Map<String, String> env = new HashMap<>();
        final List<String> portSettings = List.of("KAFKA_PORT", "KAFKA_CONTROLLER_PORT", "ROUTER_PORT",
            "STATS_PORT", "PROBER_PORT", "SIMULATOR_V1_PORT", "SIMULATOR_V2_PORT", "SIMULATOR_V3_PORT");
        final List<Integer> ports = FreePorts.distinct(portSettings.size());
        for (int i = 0; i < portSettings.size(); i++) {
            env.put(portSettings.get(i), Integer.toString(ports.get(i)));
        }
        env.put("SWITCHBOARD_DATA_DIR", data.toString());
        env.put("SWITCHBOARD_ADMIN_TOKEN", "it-admin");
        env.put("SWITCHBOARD_CLIENT_KEYS", "it-key");
        final String java = ProcessHandle.current().info().command().orElse("java");
        final ProcessBuilder builder = new ProcessBuilder(java, "-Dswitchboard.home=" + home,
            "-cp", home.resolve("launcher/target/classes") + ":" + home.resolve("launcher/target/lib") + "/*",
            LocalSwitchboard.class.getName()).redirectErrorStream(true);
        final Path console = data.resolve("launcher-console.log");
        builder.redirectOutput(console.toFile());
        builder.environment().putAll(env);
        final Process launcher = builder.start();
        try {
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(250)).until(() ->
                lines(console).stream().anyMatch(l -> l.contains("Switchboard is ready") || l.contains("could not start"))
                    || !launcher.isAlive());
            final List<String> output = lines(console);
            assertThat(output).as("launcher output").anyMatch(l -> l.contains("Switchboard is ready"));
            assertThat(output).anyMatch(l -> l.contains("curl -s http://localhost:" + env.get("ROUTER_PORT")));

            final HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + env.get("ROUTER_PORT") + "/v1/chat/completions"))
                .header("Authorization", "Bearer it-key").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                    "{\"model\":\"OllamaLLM\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers().firstValue("X-Switchboard-Version")).isPresent();

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(http.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + env.get("STATS_PORT")
                        + "/api/stats/providers/LLM/OllamaLLM/versions/v1/daily"))
                .header("Authorization", "Bearer it-admin").build(), HttpResponse.BodyHandlers.ofString()).body())
                .contains("\"total_requests\""));
            assertThat(data.resolve("kafka/data/meta.properties")).exists();

            // Every metric the shipped Prometheus rules read is one the services export.
            final String scraped = scrape(env.get("ROUTER_PORT")) + scrape(env.get("PROBER_PORT"))
                + scrape(env.get("STATS_PORT"));
            assertThat(metricsTheRulesRead(home)).isNotEmpty().allSatisfy(metric -> assertThat(scraped)
                .as("the services' /actuator/prometheus").containsPattern("(?m)^" + metric + "[{ ]"));

            // The rollout demo: the good candidate promoted to the end, the bad one rolled back, decisions printed.
            // Two rollouts of about a minute each, and the settling between them (up to 2 minutes on a loaded machine).
            await().atMost(Duration.ofMinutes(7)).pollInterval(Duration.ofMillis(500)).until(() ->
                lines(console).stream().anyMatch(l -> l.contains("Rollout demo done") || l.contains("Rollout demo stopped")));
            final List<String> demo = lines(console);
            assertThat(demo).as(() -> "launcher output, then what the services logged of the rollouts:\n"
                    + rolloutLog(data.resolve("logs/stats-streams.log")) + rolloutLog(data.resolve("logs/routing-service.log"))
                    + rolloutLog(data.resolve("logs/health-prober.log")))
                .anyMatch(l -> l.contains("Rollout demo done"))
                .anyMatch(l -> l.matches(".*demo-v[12]-\\w+ finished.*"))
                .anyMatch(l -> l.contains("rolling out v3 against v2"))
                .anyMatch(l -> l.matches(".*demo-v3-\\w+ rolled back, .* s after the fault began.*"))
                .anyMatch(l -> l.contains("PROMOTE by canary-judge@"))
                .anyMatch(l -> l.contains("ROLL_BACK by canary-judge@"));
        } finally {
            final List<ProcessHandle> children = new ArrayList<>(launcher.descendants().toList());
            launcher.destroy(); // SIGTERM, as Ctrl-C would
            final boolean exited = launcher.waitFor(90, TimeUnit.SECONDS);
            if (!exited) {
                launcher.destroyForcibly();
                children.forEach(ProcessHandle::destroyForcibly);
            }
            assertThat(exited).as("launcher stopped on SIGTERM; output:\n%s", String.join("\n", lines(console)))
                .isTrue();
            assertThat(children).as("child processes left running").noneMatch(ProcessHandle::isAlive);
        }
        assertThat(lines(console)).anyMatch(l -> l.contains("Stopped. Events and state are kept in"));
    }

    private String scrape(final String port) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/prometheus")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The metric names deploy/prometheus/switchboard-rules.yml reads (recording rules' names have a colon). */
    private static Set<String> metricsTheRulesRead(final Path home) throws IOException {
        final Matcher names = Pattern.compile("\\b(switchboard_[a-z0-9_]+)")
            .matcher(Files.readString(home.resolve("deploy/prometheus/switchboard-rules.yml")));
        final Set<String> metrics = new TreeSet<>();
        while (names.find()) {
            metrics.add(names.group(1));
        }
        return metrics;
    }

    private static List<String> lines(final Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    }

    /**
     * A service's log lines about rollouts, health changes and warnings, for a failed demo: what the console cannot
     * show.
     */
    private static String rolloutLog(final Path log) {
        try {
            final List<String> kept = lines(log).stream()
                .filter(l -> l.contains("ollout") || l.contains("anary") || l.contains(" is now ")
                    || l.contains(" WARN ") || l.contains(" ERROR "))
                .toList();
            return log.getFileName() + ":\n" + String.join("\n", kept.subList(Math.max(0, kept.size() - 60),
                kept.size())) + "\n";
        } catch (IOException e) {
            return log + " unreadable: " + e + "\n";
        }
    }
}
