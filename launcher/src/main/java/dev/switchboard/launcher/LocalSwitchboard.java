package dev.switchboard.launcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Starts Switchboard on one machine: a KRaft broker, a simulator with three versions of one provider (weights
 * 90/10/0; the third is the rollout demo's bad candidate) and three of a second (the experiment demo's), stats-streams,
 * the health prober and the router, each a child process with its log under {@code switchboard-data/logs}. Prints
 * the URLs and an example request once everything answers, runs the demos with a little traffic, and stops
 * everything on Ctrl-C.
 */
public final class LocalSwitchboard {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

    private final LauncherSettings settings;
    private final String java = LocalKafka.javaCommand();
    private final List<ChildProcess> children = Collections.synchronizedList(new ArrayList<>());
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private LocalSwitchboard(final LauncherSettings settings) {
        this.settings = settings;
    }

    /** The demo provider's configuration, relative to the checkout; docker-compose.yml mounts the same file. */
    static final String DEMO_PROVIDERS = "docker/routing-providers.yml";
    static final String DEMO_ALERT_RULE = "demo-v2-p95-latency";
    /** The demo's canary judge: every 2 s (5 s by default), so its decisions come quickly. Compose passes the same. */
    static final List<String> STATS_DEMO_ARGS = List.of("--switchboard.stats.rollouts.judge-every=2s",
        "--switchboard.stats.rollouts.hold-every=30s");
    /** Demo health checking: an outage shows within 15 s, a healed version is retried after 30 s. Compose too. */
    static final List<String> PROBER_DEMO_ARGS = List.of("--switchboard.prober.interval=5s",
        "--switchboard.prober.max-error-count=3", "--switchboard.prober.retry-after=30s");

    public static void main(final String[] args) throws Exception {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "classpath:log4j2-launcher.properties");
        }
        final Path home = Path.of(System.getProperty("switchboard.home", "")).toAbsolutePath().normalize();
        final LocalSwitchboard launcher = new LocalSwitchboard(LauncherSettings.fromEnvironment(System.getenv(), home));
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            launcher.stopAll();
            stopped.countDown();
        }, "switchboard-shutdown"));
        try {
            launcher.startAll();
        } catch (Exception e) {
            System.err.println("Switchboard could not start: " + e.getMessage());
            System.exit(1);
        }
        launcher.demoTraffic();
        stopped.await();
    }

    private void startAll() throws Exception {
        checkPortsFree();
        Files.createDirectories(settings.logs());
        say("Data and logs in " + settings.dataDir());
        final LocalKafka kafka = LocalKafka.of(settings);
        final ChildProcess broker = track(kafka.start());
        kafka.awaitReadyAndCreateTopics(broker, READY_TIMEOUT);
        say("Kafka (KRaft) is up at " + settings.bootstrapServers());

        track(ChildProcess.start("simulator", List.of(java, "-Xmx256m", "-jar",
            settings.jar("provider-simulator").toString(),
            "--instance", "v1=" + settings.simulatorV1Port(), "--instance", "v2=" + settings.simulatorV2Port(),
            "--instance", "v3=" + settings.simulatorV3Port(),
            "--instance", "assistant-v1=" + settings.assistantPorts().get(0),
            "--instance", "assistant-v2=" + settings.assistantPorts().get(1),
            "--instance", "assistant-v3=" + settings.assistantPorts().get(2)),
            Map.of(), settings.logs().resolve("simulator.log")));
        final Map<String, String> env = Map.of(
            "KAFKA_BOOTSTRAP_SERVERS", settings.bootstrapServers(),
            "SWITCHBOARD_ADMIN_TOKEN", settings.adminToken(),
            "SWITCHBOARD_ADMIN_TOKENS", settings.adminTokens(),
            "SWITCHBOARD_CLIENT_KEYS", settings.clientKeys(),
            "SWITCHBOARD_SECRETS_KEY", settings.secretsKey(),
            "SWITCHBOARD_STATE_DIR", settings.dataDir().resolve("stats-state").toString());
        final ChildProcess stats = track(service("stats-streams", settings.statsPort(), env,
            STATS_DEMO_ARGS.toArray(String[]::new)));
        final List<String> proberArgs = new ArrayList<>(PROBER_DEMO_ARGS);
        proberArgs.add("--switchboard.prober.stats-url=http://localhost:" + settings.statsPort());
        final ChildProcess prober = track(service("health-prober", settings.proberPort(), env,
            proberArgs.toArray(String[]::new)));
        final Map<String, String> routerEnv = new HashMap<>(env);
        routerEnv.put("SIMULATOR_V1_PORT", Integer.toString(settings.simulatorV1Port()));
        routerEnv.put("SIMULATOR_V2_PORT", Integer.toString(settings.simulatorV2Port()));
        routerEnv.put("SIMULATOR_V3_PORT", Integer.toString(settings.simulatorV3Port()));
        final ChildProcess router = track(service("routing-service", settings.routerPort(), routerEnv,
            "--spring.config.additional-location=file:" + demoProviders(),
            "--switchboard.routing.prober-url=http://localhost:" + settings.proberPort(),
            "--switchboard.routing.stats-url=http://localhost:" + settings.statsPort()));
        awaitUp(stats, settings.statsPort());
        awaitUp(prober, settings.proberPort());
        awaitUp(router, settings.routerPort());
        awaitUp(null, settings.simulatorV1Port(), "/sim/knobs");
        demoAlertRule();
        printWelcome();
    }

    /**
     * Seed 002's kind of threshold on the demo provider: p95 latency of v2 above 500 ms for a minute. It is there
     * from the start (kept across restarts); a channel added through {@code /api/alerts/channels} hears it fire.
     */
    private void demoAlertRule() throws IOException, InterruptedException {
        final HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + settings.routerPort() + "/api/alerts/rules"))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + settings.adminToken()).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"rule_id\": \"" + DEMO_ALERT_RULE + "\", \"provider\": "
                + "\"LLM/OllamaLLM\", \"version\": \"v2\", \"metric\": \"p95_latency_ms\", \"comparison\": "
                + "\"above\", \"threshold\": 500, \"window_seconds\": 60, \"min_samples\": 10, "
                + "\"hold_seconds\": 60, \"description\": \"the demo's threshold: v2 slower than 500 ms\"}"))
            .build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 201 && answer.statusCode() != 409) {
            say("The demo alert rule was not made (HTTP " + answer.statusCode() + "): " + answer.body());
        }
    }

    private ChildProcess service(final String module, final int port, final Map<String, String> env,
                                 final String... args) throws IOException {
        return ChildProcess.service(settings, module, module, port, env, List.of(args));
    }

    /**
     * The demo provider's configuration: {@link #DEMO_PROVIDERS} under the checkout, the one file that
     * docker-compose.yml mounts too; the router resolves its simulator ports from its environment.
     */
    private Path demoProviders() {
        final Path file = settings.home().resolve(DEMO_PROVIDERS);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("the demo configuration " + file + " is missing (run ./switchboard run "
                + "from the checkout, or set -Dswitchboard.home to it)");
        }
        return file;
    }

    private void awaitUp(final ChildProcess child, final int port) throws InterruptedException {
        awaitUp(child, port, "/actuator/health/readiness");
    }

    private void awaitUp(final ChildProcess child, final int port, final String path) throws InterruptedException {
        final Instant deadline = Instant.now().plus(READY_TIMEOUT);
        final HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5)).GET().build();
        while (true) {
            if (child != null && !child.alive()) {
                throw new IllegalStateException(child.name() + " exited; the end of " + child.log() + ":\n"
                    + child.tail(30));
            }
            try {
                final HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && (child == null || response.body().contains("\"UP\""))) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException((child == null ? "port " + port : child.name())
                    + " did not become healthy within " + READY_TIMEOUT);
            }
            Thread.sleep(500); // polling a starting process
        }
    }

    private void printWelcome() {
        final String router = "http://localhost:" + settings.routerPort();
        say("");
        say("  Console                     " + router + "/console (sign in with the admin token)");
        say("  Router (OpenAI-compatible)  " + router + "/v1/chat/completions");
        say("  Stats                       http://localhost:" + settings.statsPort() + "/api/stats/...");
        say("  Health prober               http://localhost:" + settings.proberPort() + "/actuator/health");
        say("  Simulator knobs             http://localhost:" + settings.simulatorV1Port() + "/sim/knobs (v1), "
            + "http://localhost:" + settings.simulatorV2Port() + "/sim/knobs (v2), "
            + "http://localhost:" + settings.simulatorV3Port() + "/sim/knobs (v3); the experiment demo's "
            + ExperimentDemo.PROVIDER + " on :" + settings.assistantPorts().get(0) + ", :"
            + settings.assistantPorts().get(1) + ", :" + settings.assistantPorts().get(2));
        say("  Metrics                     " + router + "/actuator/prometheus");
        say("  Kafka                       " + settings.bootstrapServers());
        if (settings.generatedSecrets()) {
            say("  Admin token (generated)     " + settings.adminToken());
            say("  Client key (generated)      " + settings.firstClientKey());
            say("  Named operators             " + settings.adminTokens().replace(",", ", ")
                + "   (name:role:token; try a change policy with them)");
            say("  (generated secrets are kept in " + settings.dataDir().resolve("secrets.properties") + ")");
        }
        say("");
        say("Try it:");
        say("  curl -s " + router + "/v1/chat/completions -H 'Authorization: Bearer " + settings.firstClientKey()
            + "' -H 'Content-Type: application/json' -d '{\"model\":\"OllamaLLM\",\"messages\":[{\"role\":\"user\","
            + "\"content\":\"Hello\"}]}'");
        say("  curl -s -H 'Authorization: Bearer " + settings.adminToken() + "' 'http://localhost:"
            + settings.statsPort() + "/api/stats/providers/LLM/OllamaLLM/versions/v1/daily'");
        say("  curl -s -X PUT http://localhost:" + settings.simulatorV2Port()
            + "/sim/knobs -d '{\"outage\":true}'   # break v2; the prober takes it out of rotation");
        say("  curl -s -H 'Authorization: Bearer " + settings.adminToken() + "' " + router
            + "/api/providers/health   # seed 001's health view, at the router's port");
        say("  curl -s -H 'Authorization: Bearer " + settings.adminToken() + "' " + router + "/api/alerts/rules"
            + "   # the demo's alert rule " + DEMO_ALERT_RULE + ": p95 of v2 above 500 ms for 1 minute");
        say("  curl -s -X PUT http://localhost:" + settings.simulatorV2Port()
            + "/sim/knobs -d '{\"latency_median_ms\":900}'   # slow v2 down: the rule fires about a minute later");
        say("");
        say("Switchboard is ready. Press Ctrl-C to stop.");
    }

    private void demoTraffic() {
        if (!settings.demoTraffic()) {
            return;
        }
        Thread.ofVirtual().name("demo-traffic").start(() -> {
            final DemoTraffic demo = new DemoTraffic("http://127.0.0.1:" + settings.routerPort(),
                settings.firstClientKey(), "OllamaLLM");
            try {
                say("Demo traffic: sent 40 requests, answered by " + demo.send(40));
                if (rolloutDemoDue()) {
                    new RolloutDemo(settings, LocalSwitchboard::say).run();
                    new ExperimentDemo(settings, LocalSwitchboard::say).run();
                    say("The demo leaves LLM/OllamaLLM with v2 the default at weight 100, v1 at 0 (kept for failover) "
                        + "and v3 at 0 (rolled back), both rollouts in /console/rollouts, and "
                        + ExperimentDemo.PROVIDER + " with the experiment's winner its default, the search in "
                        + "/console/experiments; a restart keeps this state (SWITCHBOARD_ROLLOUT_DEMO=always runs the "
                        + "demo at every start)");
                }
                while (true) {
                    Thread.sleep(Duration.ofSeconds(2)); // a trickle, so the demo stays alive
                    demo.send(1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Whether the rollout demo runs now; with {@code once}, marks the data directory so it runs only this time. */
    private boolean rolloutDemoDue() {
        switch (settings.rolloutDemo()) {
            case NEVER -> {
                return false;
            }
            case ALWAYS -> {
                return true;
            }
            default -> {
                final Path marker = settings.rolloutDemoMarker();
                if (Files.exists(marker)) {
                    say("The demo ran before in " + settings.dataDir() + " (v2 rolled out, v3 rolled back, "
                        + "see /console/rollouts; an adaptive experiment, see /console/experiments); "
                        + "SWITCHBOARD_ROLLOUT_DEMO=always runs it again, or delete the "
                        + "directory for a fresh start");
                    return false;
                }
                try {
                    Files.writeString(marker, "The rollout demo started at " + Instant.now() + "\n");
                } catch (IOException e) {
                    say("Could not mark the rollout demo as run (" + e.getMessage() + "); it will run again next time");
                }
                return true;
            }
        }
    }

    private void checkPortsFree() {
        for (final int port : List.of(settings.kafkaPort(), settings.controllerPort(), settings.routerPort(),
                settings.statsPort(), settings.proberPort(), settings.simulatorV1Port(), settings.simulatorV2Port(),
                settings.simulatorV3Port(), settings.assistantPorts().get(0), settings.assistantPorts().get(1),
                settings.assistantPorts().get(2))) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress("127.0.0.1", port));
            } catch (IOException e) {
                throw new IllegalStateException("port " + port + " is in use (another Switchboard?). Stop it, or "
                    + "choose other ports with KAFKA_PORT, KAFKA_CONTROLLER_PORT, ROUTER_PORT, STATS_PORT, PROBER_PORT, "
                    + "SIMULATOR_V1_PORT, SIMULATOR_V2_PORT, SIMULATOR_V3_PORT, ASSISTANT_V1_PORT, ASSISTANT_V2_PORT, "
                    + "ASSISTANT_V3_PORT");
            }
        }
    }

    private ChildProcess track(final ChildProcess child) {
        children.add(child);
        return child;
    }

    /** Stops the services, all together, before the broker, so they can flush their last events. */
    private void stopAll() {
        final List<ChildProcess> running = new ArrayList<>(children);
        if (!running.isEmpty()) {
            say("Stopping Switchboard...");
        }
        ChildProcess.stopAll(running.stream().filter(child -> !child.name().equals("kafka")).toList(), 20);
        ChildProcess.stopAll(running.stream().filter(child -> child.name().equals("kafka")).toList(), 30);
        if (!running.isEmpty()) {
            say("Stopped. Events and state are kept in " + settings.dataDir());
        }
    }

    private static void say(final String line) {
        System.out.println(line);
        System.out.flush();
    }
}
