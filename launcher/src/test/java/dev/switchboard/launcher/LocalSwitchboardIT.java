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
import dev.switchboard.common.testing.WebhookReceiver;
import dev.switchboard.routing.notify.WebhookSignature;
import java.time.Instant;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;

/**
 * The README's run command, as a user meets it: the launcher starts the broker, the simulator and the three
 * services as processes, prints its ready line, answers the printed request, and stops everything on SIGTERM.
 */
class LocalSwitchboardIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String HOOK_SECRET = "whsec-launcher-it";
    /** The demo rule's twin with no hold: it fires at the first evaluation that sees v2 slow. */
    private static final String ALERT_RULE = "it-v2-p95-latency";

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void startsTheWholeSystemAnswersThePrintedRequestAndStopsCleanly() throws Exception {
        final Path home = Path.of(System.getProperty("user.dir")).getParent();
        final Path data = Files.createTempDirectory("switchboard-launcher-it");
        final Map<String, String> env = new HashMap<>();
        final List<String> portSettings = List.of("KAFKA_PORT", "KAFKA_CONTROLLER_PORT", "ROUTER_PORT",
            "STATS_PORT", "PROBER_PORT", "SIMULATOR_V1_PORT", "SIMULATOR_V2_PORT", "SIMULATOR_V3_PORT",
            "ASSISTANT_V1_PORT", "ASSISTANT_V2_PORT", "ASSISTANT_V3_PORT");
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

            // A channel whose receiver is down for the first 30 s of the rollout the judge rolls back: its decisions
            // wait in the topic, and reach the receiver once it is back.
            final WebhookReceiver receiver = new WebhookReceiver(FreePorts.any());
            final HttpResponse<String> channel = admin(env, "POST", "/api/alerts/channels", """
                {"channel_id": "it-hook", "kind": "webhook", "url": "%s", "secret": "%s",
                 "subscriptions": ["alerts", "rollout_decisions"]}""".formatted(receiver.url("/hook"), HOOK_SECRET));
            assertThat(channel.statusCode()).as(channel.body()).isEqualTo(201);
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(250)).until(() ->
                lines(console).stream().anyMatch(l -> l.contains("Rollout demo 2/2") || l.contains("Rollout demo stopped")));
            final Instant badRolloutBegan = Instant.now();
            // Down for the rollout's first 30 s at least, and until the judge has rolled it back (its time varies).
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(250))
                .until(() -> Duration.between(badRolloutBegan, Instant.now()).compareTo(Duration.ofSeconds(30)) >= 0
                    && lines(console).stream().anyMatch(l -> l.matches(".*demo-v3-\\w+ rolled back.*")
                        || l.contains("Rollout demo stopped")));
            final Instant receiverBack = Instant.now();
            receiver.start();

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

            // The demo's alert rule (p95 of v2 above 500 ms for a minute) is there from the start. Its twin without
            // the minute's hold, so the test waits for the evaluation rather than the hold, fires through the same
            // stats, evaluation and channel; v2 carries the traffic after the demo, and is slowed now, so its alert
            // comes while the decisions' delivery is checked. (RESOLVED goes the same way: AlertTopologyTest.) The
            // test calls v2 itself too, so that the slow answers outnumber the rollouts' fast ones in the rule's
            // window within seconds, rather than once the rollouts' minute has left the window (up to two minutes).
            assertThat(admin(env, "GET", "/api/alerts/rules", null).body()).contains(LocalSwitchboard.DEMO_ALERT_RULE);
            final HttpResponse<String> rule = admin(env, "POST", "/api/alerts/rules", """
                {"rule_id": "%s", "provider": "LLM/OllamaLLM", "version": "v2", "metric": "p95_latency_ms",
                 "comparison": "above", "threshold": 500, "window_seconds": 60, "min_samples": 10,
                 "hold_seconds": 0}""".formatted(ALERT_RULE));
            assertThat(rule.statusCode()).as(rule.body()).isEqualTo(201);
            final Instant slowed = Instant.now();
            knobs(env.get("SIMULATOR_V2_PORT"), "{\"latency_median_ms\": 900}");
            final SteadyLoad slowCalls = new SteadyLoad("it-key");
            slowCalls.start("v2-slowed", URI.create("http://localhost:" + env.get("ROUTER_PORT")), "OllamaLLM", 25);

            // Every decision of both rollouts but the judge's periodic holds reached the channel, signed, none lost.
            final Set<String> decided = new TreeSet<>();
            for (final JsonNode rollout : JSON.readTree(admin(env, "GET", "/api/rollouts?provider=LLM/OllamaLLM", null)
                .body()).path("data")) {
                for (final JsonNode decision : JSON.readTree(admin(env, "GET", "/api/rollouts/"
                    + rollout.path("rollout_id").asString(), null).body()).path("data").path("decisions")) {
                    if (!decision.path("action").asString().equalsIgnoreCase("hold")) {
                        decided.add(decision.path("decision_id").asString());
                    }
                }
            }
            assertThat(decided).isNotEmpty();
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(delivered(receiver, "rollout_decisions"))
                .containsAll(decided));
            assertThat(receiver.received()).allSatisfy(LocalSwitchboardIT::assertSigned);
            final WebhookReceiver.Received rolledBack = receiver.received().stream()
                .filter(r -> r.body().contains("\"action\":\"roll_back\"")).findFirst().orElseThrow();
            final Instant decidedAt = Instant.parse(JSON.readTree(rolledBack.body()).path("event").path("decided_at")
                .asString());
            assertThat(decidedAt).as("rolled back while the receiver was down").isBefore(receiverBack);
            System.out.printf("Channel it-hook: receiver down from the channel's creation until %s (%s into the "
                + "rollout of v3, begun %s); ROLL_BACK decided at %s, received at %s (%s after the receiver came "
                + "back); %d decisions of both rollouts (holds aside) all delivered, %d requests in all%n",
                receiverBack, Duration.between(badRolloutBegan, receiverBack), badRolloutBegan, decidedAt,
                rolledBack.at(), Duration.between(receiverBack, rolledBack.at()), decided.size(),
                receiver.received().size());

            try (slowCalls) {
                await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> alert(receiver, "firing") != null);
            }
            final WebhookReceiver.Received firing = alert(receiver, "firing");
            knobs(env.get("SIMULATOR_V2_PORT"), "{\"latency_median_ms\": 40}");
            assertThat(JSON.readTree(firing.body()).path("event").path("value").asDouble()).isGreaterThan(500);
            assertThat(admin(env, "GET", "/api/alerts?state=firing", null).body()).contains(ALERT_RULE);
            assertSigned(firing);
            final JsonNode fired = JSON.readTree(firing.body()).path("event");
            System.out.printf("Alert " + ALERT_RULE + ": v2 slowed at %s; the condition held from %s, fired at %s, "
                + "FIRING received %s after the change (%s)%n", slowed, fired.path("condition_since").asString(),
                fired.path("fired_at").asString(), Duration.between(slowed, firing.at()),
                JSON.readTree(firing.body()).path("text").asString());
            receiver.close();

            // The experiment demo, begun after the rollouts: the search finds v3 (2% errors against 12%), v3 is
            // promoted, and the decisions re-made from the topics equal the logged ones.
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).until(() ->
                lines(console).stream().anyMatch(l -> l.contains("Experiment demo done")
                    || l.contains("Experiment demo stopped")));
            final List<String> search = lines(console);
            assertThat(search).as(() -> "launcher output, then what the services logged of the experiment:\n"
                    + rolloutLog(data.resolve("logs/stats-streams.log"))
                    + rolloutLog(data.resolve("logs/routing-service.log")))
                .anyMatch(l -> l.contains("Experiment demo done"))
                .anyMatch(l -> l.matches("  decision 1 \\(\\d+ outcomes\\): EXPLORING; .*"))
                .anyMatch(l -> l.matches("  decision \\d+ \\(\\d+ outcomes\\): BEST FOUND; .*model_c is the best arm "
                    + "with confidence 0.95.*"))
                .anyMatch(l -> l.matches(".*assistant-search-\\w+ stopped; .*v3 weight 100 \\(default\\).*"))
                .anyMatch(l -> l.matches(".*assistant-search-\\w+ replayed .* (\\d+) decisions re-made against \\1 "
                    + "logged, reproduced"));
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

    private HttpResponse<String> admin(final Map<String, String> env, final String method, final String path,
                                       final String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + env.get("ROUTER_PORT") + path))
            .header("Authorization", "Bearer it-admin").header("Content-Type", "application/json")
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
            .build(), HttpResponse.BodyHandlers.ofString());
    }

    private void knobs(final String port, final String body) throws IOException, InterruptedException {
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/sim/knobs"))
            .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString())
            .statusCode()).isEqualTo(200);
    }

    /** The ids the receiver got of one kind of notification. */
    private static Set<String> delivered(final WebhookReceiver receiver, final String kind) {
        final Set<String> ids = new TreeSet<>();
        for (final WebhookReceiver.Received request : receiver.received()) {
            final JsonNode body = JSON.readTree(request.body());
            if (body.path("kind").asString().equals(kind)) {
                ids.add(body.path("id").asString());
            }
        }
        return ids;
    }

    /** The first notification of the test's alert rule in that state, or null. */
    private static WebhookReceiver.Received alert(final WebhookReceiver receiver, final String state) {
        return receiver.received().stream().filter(request -> {
            final JsonNode event = JSON.readTree(request.body()).path("event");
            return event.path("rule_id").asString().equals(ALERT_RULE)
                && event.path("state").asString().equals(state);
        }).findFirst().orElse(null);
    }

    private static void assertSigned(final WebhookReceiver.Received request) {
        final long timestamp = Long.parseLong(request.headers().first(WebhookSignature.TIMESTAMP_HEADER).orElseThrow());
        assertThat(WebhookSignature.verify(HOOK_SECRET, timestamp, request.body(),
            request.headers().first(WebhookSignature.SIGNATURE_HEADER).orElse(null))).as("signed: " + request.body())
            .isTrue();
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
                .filter(l -> l.contains("ollout") || l.contains("anary") || l.contains("xperiment") || l.contains(" is now ")
                    || l.contains(" WARN ") || l.contains(" ERROR "))
                .toList();
            return log.getFileName() + ":\n" + String.join("\n", kept.subList(Math.max(0, kept.size() - 60),
                kept.size())) + "\n";
        } catch (IOException e) {
            return log + " unreadable: " + e + "\n";
        }
    }
}
