package dev.switchboard.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.common.testing.FreePorts;
import dev.switchboard.events.HealthEvent;
import dev.switchboard.launcher.SteadyLoad.Call;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.Topics;
import java.io.IOException;
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
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The faults users fear, on the real stack, each injected by killing real processes with SIGKILL: the broker gone
 * for 30 s under load, a router killed beside another, a prober killed beside another. A KRaft broker, the
 * simulator, stats-streams, two probers and two routers run as child processes, as {@code ./switchboard run} runs
 * them. Each test prints one {@code RELIABILITY} line with the figures it asserted; the README's Reliability table
 * is made of them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResilienceIT {

    private static final Logger log = LoggerFactory.getLogger(ResilienceIT.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ADMIN = "it-admin";
    private static final String CLIENT_KEY = "it-key";
    /** Each router's client load, requests per second: 200 in all while both serve. */
    private static final int RATE = 100;
    private static final Duration OUTAGE = Duration.ofSeconds(30);
    private static final Duration PROBE_INTERVAL = Duration.ofSeconds(2);
    /** The probers' default session timeout. */
    private static final Duration PROBER_SESSION = Duration.ofSeconds(10);
    /**
     * What a takeover needs beyond the session timeout: the survivor hears of the rebalance at its next heartbeat
     * (a tenth of the session timeout), rejoins, reads its new partitions and probes what is overdue.
     */
    private static final Duration REBALANCE = Duration.ofSeconds(2);
    /** router-2 gives up on an outcome after this (router-1 keeps Switchboard's default of 5 minutes). */
    private static final Duration SHORT_DELIVERY_TIMEOUT = Duration.ofSeconds(10);
    /** A provider per load stream, so stats-streams' count of each is that stream's; ResW is the warm-up's. */
    /** Calls to each router before the tests, closed-loop, so its JIT is warm when the measured load begins. */
    private static final int WARM_UP = 3_000;
    private static final List<String> PROVIDERS = List.of("ResA", "ResB", "ResC", "ResD", "ResW");

    private static final HttpClient http = HttpClient.newHttpClient();
    private static final Queue<HealthEvent> probes = new ConcurrentLinkedQueue<>();
    private static LauncherSettings settings;
    private static LocalKafka kafka;
    private static ChildProcess broker;
    private static final List<ChildProcess> services = Collections.synchronizedList(new ArrayList<>());
    private static final Map<String, ChildProcess> routers = new HashMap<>();
    private static final Map<String, Integer> routerPorts = new HashMap<>();
    private static final Map<String, ChildProcess> probers = new HashMap<>();
    private static Path providersFile;
    private static Thread probeWatch;
    private static SteadyLoad load;

    @BeforeAll
    static void startTheStack() throws Exception {
        final Path home = Path.of(System.getProperty("user.dir")).getParent();
        final Path data = Files.createTempDirectory("switchboard-resilience-it");
        final List<Integer> ports = FreePorts.distinct(9);
        settings = LauncherSettings.fromEnvironment(Map.of("SWITCHBOARD_DATA_DIR", data.toString(),
            "KAFKA_PORT", ports.get(0).toString(), "KAFKA_CONTROLLER_PORT", ports.get(1).toString(),
            "STATS_PORT", ports.get(2).toString(), "PROBER_PORT", ports.get(3).toString(),
            "SIMULATOR_V1_PORT", ports.get(4).toString(), "SIMULATOR_V2_PORT", ports.get(5).toString(),
            "SWITCHBOARD_ADMIN_TOKEN", ADMIN, "SWITCHBOARD_CLIENT_KEYS", CLIENT_KEY), home);
        routerPorts.put("router-1", ports.get(6));
        routerPorts.put("router-2", ports.get(7));
        final int secondProberPort = ports.get(8);
        Files.createDirectories(settings.logs());
        kafka = LocalKafka.of(settings);
        broker = kafka.start();
        kafka.awaitReadyAndCreateTopics(broker, Duration.ofMinutes(3));

        services.add(ChildProcess.start("simulator", List.of(LocalKafka.javaCommand(), "-Xmx256m", "-jar",
            settings.jar("provider-simulator").toString(), "--instance", "s1=" + settings.simulatorV1Port(),
            "--instance", "s2=" + settings.simulatorV2Port()), Map.of(), settings.logs().resolve("simulator.log")));
        providersFile = data.resolve("providers.yml");
        Files.writeString(providersFile, providers(), StandardCharsets.UTF_8);

        services.add(ChildProcess.service(settings, "stats-streams", "stats-streams", settings.statsPort(), env(),
            List.of()));
        probers.put("prober-a", prober("prober-a", settings.proberPort()));
        probers.put("prober-b", prober("prober-b", secondProberPort));
        routers.put("router-1", router("router-1"));
        routers.put("router-2", router("router-2",
            "--spring.kafka.producer.properties[delivery.timeout.ms]=" + SHORT_DELIVERY_TIMEOUT.toMillis(),
            "--spring.kafka.producer.properties[request.timeout.ms]=5000"));
        awaitReady(settings.statsPort());
        awaitReady(settings.proberPort());
        awaitReady(secondProberPort);
        for (final int port : routerPorts.values()) {
            awaitReady(port);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> simulatorUp(settings.simulatorV1Port())
            && simulatorUp(settings.simulatorV2Port()));
        for (final int port : List.of(settings.simulatorV1Port(), settings.simulatorV2Port())) {
            // Answers of a steady 20 ms, so what the faults add to a client's latency stands out from the noise.
            http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/sim/knobs"))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"latency_median_ms\": 20, \"latency_sigma\": 0}")).build(),
                HttpResponse.BodyHandlers.discarding());
        }
        probeWatch = Thread.ofPlatform().daemon().name("probe-watch").start(ResilienceIT::watchProbes);
        load = new SteadyLoad(CLIENT_KEY);
        for (final String router : routerPorts.keySet()) {
            load.closedLoop("warm-up", routerUri(router), "ResW", 4, WARM_UP);
        }
        assertThat(load.calls("warm-up")).as("the warm-up's calls").allMatch(Call::served);
    }

    @AfterAll
    static void stopTheStack() throws InterruptedException {
        if (load != null) {
            load.close();
        }
        if (probeWatch != null) {
            probeWatch.interrupt();
        }
        final List<ChildProcess> running = new ArrayList<>(services);
        running.addAll(routers.values());
        running.addAll(probers.values());
        ChildProcess.stopAll(running, 20);
        if (broker != null) {
            broker.stop(30);
        }
    }

    @Test
    @Order(1)
    void shouldServeEveryClientThroughABrokerOutageAndCountEveryOutcomeAfterIt() throws Exception {
        // Each router's outcomes so far (the warm-up's), so that what follows is told apart.
        await().atMost(Duration.ofMinutes(1)).until(() -> kafkaHealth("router-1").delivered() >= WARM_UP
            && kafkaHealth("router-2").delivered() >= WARM_UP);
        final long warmUp2 = kafkaHealth("router-2").delivered();
        load.start("A", routerUri("router-1"), "ResA", RATE);
        load.start("B", routerUri("router-2"), "ResB", RATE);
        await().atMost(Duration.ofSeconds(30)).until(() -> load.served("A") >= 10L * RATE && load.served("B") >= 10L * RATE);

        final Instant killed = Instant.now();
        broker.kill();
        // The outage lasts OUTAGE, and past router-2's delivery timeout, so that router-2 drops outcomes.
        await().atMost(OUTAGE.plusSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
            Duration.between(killed, Instant.now()).compareTo(OUTAGE) >= 0 && kafkaHealth("router-2").dropped() > 0);
        final Instant restarting = Instant.now();
        broker = kafka.start();
        kafka.awaitReadyAndCreateTopics(broker, Duration.ofMinutes(2));
        final Instant back = Instant.now();
        // The load goes on for a while after the broker is back, with both routers delivering again.
        final long delivered1 = kafkaHealth("router-1").delivered();
        final long delivered2 = kafkaHealth("router-2").delivered();
        await().atMost(Duration.ofMinutes(2)).until(() -> load.calls("A").stream()
                .filter(call -> call.sentAt().isAfter(back)).count() >= 5L * RATE
            && kafkaHealth("router-1").delivered() >= delivered1 + 5L * RATE
            && kafkaHealth("router-2").delivered() >= delivered2 + 5L * RATE);
        load.stop("A");
        load.stop("B");

        final List<Call> a = load.calls("A");
        final List<Call> b = load.calls("B");
        assertThat(a).as("router-1's clients").allMatch(Call::served);
        assertThat(b).as("router-2's clients").allMatch(Call::served);
        final List<Call> both = new ArrayList<>(a);
        both.addAll(b);
        final double p50Before = SteadyLoad.quantileMillis(both, t -> t.isBefore(killed), 0.5);
        final double p99Before = SteadyLoad.quantileMillis(both, t -> t.isBefore(killed), 0.99);
        final double p50During = SteadyLoad.quantileMillis(both, t -> !t.isBefore(killed) && t.isBefore(restarting), 0.5);
        final double p99During = SteadyLoad.quantileMillis(both, t -> !t.isBefore(killed) && t.isBefore(restarting), 0.99);
        assertThat(p50During).as("p50 with the broker gone, against %.1f ms before", p50Before)
            .isLessThanOrEqualTo(p50Before + 5);
        assertThat(p99During).as("p99 with the broker gone, against %.1f ms before", p99Before)
            .isLessThanOrEqualTo(Math.max(2 * p99Before, p99Before + 25));

        // Router-1 (default delivery timeout): every outcome counted, exactly once.
        final long servedA = load.served("A");
        awaitCounted("ResA", servedA);
        assertThat(counted("ResA")).as("ResA outcomes counted by stats-streams").isEqualTo(servedA);
        assertThat(kafkaHealth("router-1").dropped()).isZero();
        // Router-2 (10 s delivery timeout): what it served is what it delivered and what it dropped, and says so.
        final long servedB = load.served("B");
        // Every outcome's fate known: acknowledged, or given up (the last ones may still be lingering in a batch).
        await().atMost(Duration.ofMinutes(1)).until(() -> kafkaHealth("router-2").delivered() - warmUp2
            + kafkaHealth("router-2").dropped() >= servedB);
        final KafkaHealth after = kafkaHealth("router-2");
        final KafkaHealth two = new KafkaHealth(after.delivered() - warmUp2, after.dropped());
        assertThat(two.delivered() + two.dropped()).as("router-2's outcomes: delivered %d + dropped %d",
            two.delivered(), two.dropped()).isEqualTo(servedB);
        assertThat(two.dropped()).isPositive();
        assertThat(droppedCounter("router-2")).as("switchboard_events_dropped_total").isEqualTo(two.dropped());
        awaitCounted("ResB", servedB - two.dropped());
        final long countedB = counted("ResB");
        // An outcome batch in flight at the kill may have been written although the producer, never answered, gave
        // it up when its delivery timeout passed: Kafka cannot tell, so up to the batches sent in the last second
        // before the kill are allowed to be counted as well as dropped.
        final long lastSecond = b.stream().filter(call -> call.sentAt().isAfter(killed.minusSeconds(1))
            && call.sentAt().isBefore(killed)).count();
        assertThat(countedB).as("ResB counted, against served %d - dropped %d", servedB, two.dropped())
            .isBetween(servedB - two.dropped(), servedB - two.dropped() + lastSecond);

        // The config views and the probers resume without a restart.
        final Instant changed = Instant.now();
        assertThat(admin("router-1", "PUT", "/api/system-configs/provider/LLM/ResA/weight",
            "{\"version\": \"v2\", \"weight\": 1}").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> weightOf("router-2", "ResA", "v2") == 1);
        final Duration configSeen = Duration.between(changed, Instant.now());
        await().atMost(Duration.ofSeconds(30)).until(() -> probersSince(back).containsAll(probers.keySet()));

        report("Broker kill -9 for %d s (restarted on its data in %d s)", OUTAGE.toSeconds(),
            Duration.between(restarting, back).toSeconds());
        report("  load: %d req/s on each of two routers, %d requests; client errors: 0; latency p50 %.1f -> %.1f ms, "
                + "p99 %.1f -> %.1f ms (before -> during)", RATE, a.size() + b.size(), p50Before, p50During,
            p99Before, p99During);
        report("  router-1 (delivery timeout 5 min): served %d, counted %d, dropped 0", servedA, counted("ResA"));
        report("  router-2 (delivery timeout %d s): served %d = delivered %d + dropped %d; counted %d",
            SHORT_DELIVERY_TIMEOUT.toSeconds(), servedB, two.delivered(), two.dropped(), countedB);
        report("  after the broker was back: outcomes flowing again, a config change seen by the other router in %d ms, "
            + "both probers publishing", configSeen.toMillis());
    }

    @Test
    @Order(2)
    void shouldServeOnThroughTheOtherRouterWhenOneIsKilledAndRebuildItsTableOnRestart() throws Exception {
        load.start("C", routerUri("router-1"), "ResC", RATE);
        load.start("D", routerUri("router-2"), "ResD", RATE);
        await().atMost(Duration.ofSeconds(30)).until(() -> load.served("C") >= 5L * RATE && load.served("D") >= 5L * RATE);

        final Instant killed = Instant.now();
        routers.get("router-1").kill();
        load.stop("C");
        // While router-1 is gone, ResC moves to v2 through router-2.
        assertThat(admin("router-2", "PUT", "/api/system-configs/provider/LLM/ResC/weight",
            "{\"version\": \"v2\", \"weight\": 100}").statusCode()).isEqualTo(200);
        assertThat(admin("router-2", "PUT", "/api/system-configs/provider/LLM/ResC/weight",
            "{\"version\": \"v1\", \"weight\": 0}").statusCode()).isEqualTo(200);
        final Instant restarting = Instant.now();
        routers.put("router-1", router("router-1"));
        awaitReady(routerPorts.get("router-1"));
        final Instant ready = Instant.now();
        final Call afterRestart = load.once("C", routerUri("router-1"), "ResC");
        assertThat(afterRestart.served()).as(afterRestart.error()).isTrue();
        assertThat(afterRestart.version()).as("the restarted router-1 routes ResC as the topics say").isEqualTo("v2");
        assertThat(weightOf("router-1", "ResC", "v1")).isZero();
        load.stop("D");

        assertThat(load.calls("D")).as("router-2's clients while router-1 was killed").allMatch(Call::served);
        final long servedD = load.served("D");
        awaitCounted("ResD", servedD);
        assertThat(counted("ResD")).isEqualTo(servedD);
        final long servedC = load.served("C");
        final long lastSecond = load.calls("C").stream().filter(Call::served)
            .filter(call -> call.sentAt().isAfter(killed.minusSeconds(1))).count();
        awaitCounted("ResC", servedC - lastSecond);
        final long lost = servedC - counted("ResC");
        assertThat(lost).as("outcomes router-1 had not handed to Kafka when killed").isBetween(0L, lastSecond);

        report("Router kill -9, one of two, under %d req/s each", RATE);
        report("  the other router's clients: %d requests, 0 errors; the killed router: served %d, counted %d, "
                + "lost %d (at most the %d it served in its last second)", load.calls("D").size(), servedC,
            counted("ResC"), lost, lastSecond);
        report("  restarted and ready in %d s, routing by the change made while it was down",
            Duration.between(restarting, ready).toSeconds());
    }

    @Test
    @Order(3)
    void shouldHaveTheSurvivingProberTakeOverAKilledProbersVersionsWithinTheSessionTimeout() throws Exception {
        final Instant watching = Instant.now();
        await().atMost(Duration.ofSeconds(30)).until(() -> probersSince(watching).containsAll(probers.keySet()));
        final Map<String, String> owners = latestOwners();
        final Set<String> owned = owners.entrySet().stream().filter(e -> e.getValue().equals("prober-a"))
            .map(Map.Entry::getKey).collect(Collectors.toSet());
        assertThat(owned).as("versions prober-a probes").isNotEmpty();

        final Instant killed = Instant.now();
        probers.get("prober-a").kill();
        await().atMost(PROBE_INTERVAL.plus(PROBER_SESSION).plusSeconds(30)).until(() -> owned.stream().allMatch(version ->
            probes.stream().anyMatch(e -> key(e).equals(version) && e.getProberInstance().equals("prober-b")
                && e.getCheckedAt().isAfter(killed))));

        final Map<String, Duration> unprobed = new TreeMap<>();
        for (final String version : owned) {
            final Instant lastBefore = probes.stream().filter(e -> key(e).equals(version)
                && e.getCheckedAt().isBefore(killed)).map(HealthEvent::getCheckedAt).max(Instant::compareTo).orElseThrow();
            final Instant firstAfter = probes.stream().filter(e -> key(e).equals(version)
                && e.getCheckedAt().isAfter(killed)).map(HealthEvent::getCheckedAt).min(Instant::compareTo).orElseThrow();
            unprobed.put(version, Duration.between(lastBefore, firstAfter));
        }
        final Duration longest = Collections.max(unprobed.values());
        final Duration takeover = owned.stream().map(version -> probes.stream().filter(e -> key(e).equals(version)
                && e.getCheckedAt().isAfter(killed)).map(HealthEvent::getCheckedAt).min(Instant::compareTo).orElseThrow())
            .map(first -> Duration.between(killed, first)).max(Duration::compareTo).orElseThrow();
        assertThat(takeover).as("from the kill to the last of its versions probed by the survivor")
            .isLessThanOrEqualTo(PROBER_SESSION.plus(REBALANCE));
        assertThat(longest).as("the longest a version went unprobed: %s", unprobed)
            .isLessThanOrEqualTo(PROBE_INTERVAL.plus(PROBER_SESSION).plus(REBALANCE));

        report("Prober kill -9, one of two (interval %d s, session timeout %d s)", PROBE_INTERVAL.toSeconds(),
            PROBER_SESSION.toSeconds());
        report("  %d of %d versions taken over by prober-b, the last %.1f s after the kill; longest unprobed %.1f s "
                + "(interval + session timeout = %d s)", owned.size(), owners.size(), takeover.toMillis() / 1000.0,
            longest.toMillis() / 1000.0, PROBE_INTERVAL.plus(PROBER_SESSION).toSeconds());
    }

    private static String providers() {
        final StringBuilder yaml = new StringBuilder("switchboard:\n  routing:\n    providers:\n");
        for (final String provider : PROVIDERS) {
            yaml.append("""
                      - category: LLM
                        name: %s
                        strategy: weight
                        versions:
                          - version: v1
                            type: openai
                            model_name: res-1
                            url: http://127.0.0.1:%d
                            weight: 100
                            is_default: true
                          - version: v2
                            type: openai
                            model_name: res-2
                            url: http://127.0.0.1:%d
                            weight: 0
                """.formatted(provider, settings.simulatorV1Port(), settings.simulatorV2Port()));
        }
        return yaml.toString();
    }

    private static Map<String, String> env() {
        return Map.of("KAFKA_BOOTSTRAP_SERVERS", settings.bootstrapServers(),
            "SWITCHBOARD_ADMIN_TOKEN", settings.adminToken(), "SWITCHBOARD_CLIENT_KEYS", settings.clientKeys(),
            "SWITCHBOARD_SECRETS_KEY", settings.secretsKey(),
            "SWITCHBOARD_STATE_DIR", settings.dataDir().resolve("stats-state").toString());
    }

    private static ChildProcess prober(final String name, final int port) throws IOException {
        return ChildProcess.service(settings, "health-prober", name, port, env(), List.of(
            "--switchboard.prober.instance-id=" + name, "--switchboard.prober.interval=" + PROBE_INTERVAL.toSeconds() + "s",
            "--switchboard.prober.stats-url=http://localhost:" + settings.statsPort()));
    }

    private static ChildProcess router(final String name, final String... extra) throws IOException {
        final List<String> args = new ArrayList<>(List.of("--spring.config.additional-location=file:" + providersFile,
            "--switchboard.routing.instance-id=" + name,
            "--switchboard.routing.prober-url=http://localhost:" + settings.proberPort(),
            "--switchboard.routing.stats-url=http://localhost:" + settings.statsPort()));
        args.addAll(List.of(extra));
        return ChildProcess.service(settings, "routing-service", name, routerPorts.get(name), env(), args);
    }

    private static URI routerUri(final String name) {
        return URI.create("http://127.0.0.1:" + routerPorts.get(name));
    }

    private static void awaitReady(final int port) {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
            final HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness")).build(),
                HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 200 && answer.body().contains("\"UP\"");
        });
    }

    private static boolean simulatorUp(final int port) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/sim/knobs")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** What a router's Kafka health detail says of its outcome events. */
    private record KafkaHealth(long delivered, long dropped) {
    }

    private static KafkaHealth kafkaHealth(final String router) throws IOException, InterruptedException {
        final JsonNode details = JSON.readTree(http.send(HttpRequest.newBuilder(routerUri(router)
                .resolve("/actuator/health")).build(), HttpResponse.BodyHandlers.ofString()).body())
            .path("components").path("kafka").path("details");
        return new KafkaHealth(details.path("outcomesDelivered").asLong(), details.path("outcomesDropped").asLong());
    }

    /** The router's Prometheus counter of dropped outcome events, every reason together. */
    private static long droppedCounter(final String router) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(routerUri(router).resolve("/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString()).body().lines()
            .filter(line -> line.startsWith("switchboard_events_dropped_total{")
                && line.contains("topic=\"" + Topics.REQUEST_OUTCOMES + "\""))
            .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    private static HttpResponse<String> admin(final String router, final String method, final String path,
                                              final String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(routerUri(router).resolve(path))
            .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
            .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long weightOf(final String router, final String provider, final String version)
        throws IOException, InterruptedException {
        for (final JsonNode each : JSON.readTree(admin(router, "GET", "/api/system-configs/provider/LLM/" + provider
            + "/grayscale", null).body()).path("data").path("versions")) {
            if (each.path("version").asString().equals(version)) {
                return each.path("weight").asLong();
            }
        }
        return -1;
    }

    /** Every outcome stats-streams counted for a provider today. */
    private static long counted(final String provider) throws IOException, InterruptedException {
        final HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + settings.statsPort() + "/api/stats/providers/LLM/" + provider + "/daily"))
            .header("Authorization", "Bearer " + ADMIN).build(), HttpResponse.BodyHandlers.ofString());
        return answer.statusCode() == 200
            ? JSON.readTree(answer.body()).path("totals").path("total").path("total_requests").asLong() : -1;
    }

    private static void awaitCounted(final String provider, final long atLeast) {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
            assertThat(counted(provider)).as("%s counted by stats-streams; the routers' outcomes: %s", provider,
                Map.of("router-1", kafkaHealth("router-1"), "router-2", kafkaHealth("router-2")))
                .isGreaterThanOrEqualTo(atLeast));
    }

    private static String key(final HealthEvent event) {
        return event.getName() + "/" + event.getVersion();
    }

    private static Set<String> probersSince(final Instant since) {
        return probes.stream().filter(e -> e.getCheckedAt().isAfter(since)).map(HealthEvent::getProberInstance)
            .collect(Collectors.toSet());
    }

    /** Each version's prober, by its latest health event. */
    private static Map<String, String> latestOwners() {
        final Map<String, HealthEvent> latest = new TreeMap<>();
        probes.forEach(e -> latest.merge(key(e), e, (x, y) -> x.getCheckedAt().isAfter(y.getCheckedAt()) ? x : y));
        final Map<String, String> owners = new TreeMap<>();
        latest.forEach((version, event) -> owners.put(version, event.getProberInstance()));
        return owners;
    }

    /** Reads every health event the probers publish, through the broker's outage and back. */
    private static void watchProbes() {
        try (KafkaConsumer<String, HealthEvent> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()), new StringDeserializer(),
                EventSerdes.healthEvent().deserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(Topics.PROVIDER_HEALTH).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!Thread.currentThread().isInterrupted()) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    if (record.value() != null && PROVIDERS.contains(record.value().getName())) {
                        probes.add(record.value());
                    }
                });
            }
        } catch (InterruptException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void report(final String format, final Object... args) {
        final String line = "RELIABILITY " + format.formatted(args);
        log.info(line);
        System.out.println(line);
    }
}
