package dev.switchboard.e2e;

import static dev.switchboard.e2e.LocalCalls.base;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.switchboard.common.testing.FreePorts;
import dev.switchboard.common.testing.TestTopics;
import dev.switchboard.events.ConfigChange;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.Topics;
import dev.switchboard.routing.RoutingServiceApplication;
import dev.switchboard.simulator.Knobs;
import dev.switchboard.simulator.SimulatedProvider;
import dev.switchboard.stats.StatsStreamsApplication;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Progressive delivery on the real pipeline: rollouts created through the router's admin API, clients through the
 * router (sticky by user), outcomes folded and judged by stats-streams every second, its decisions read back by the
 * router. A good candidate is promoted through its steps to 100% and becomes the default; a bad one (its simulator's
 * error rate raised mid-rollout) is rolled back, and the time from the fault to the candidate's last call is
 * measured; the router and stats-streams are restarted mid-rollout and resume it where it was.
 */
@Order(3)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProgressiveDeliveryIT {

    private static final Logger log = LoggerFactory.getLogger(ProgressiveDeliveryIT.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ADMIN = "rollout-admin-token";
    private static final String CLIENT = "rollout-client-key";
    private static final String PROVIDER = "LLM/Canary";
    private static final Knobs HEALTHY = new Knobs(1, 0.1, 0, 500, false, 6, 0);
    private static final String STEPS = "[{\"percentage\": 20, \"minimum_duration_seconds\": 2, \"minimum_sample\": "
        + "150}, {\"percentage\": 50, \"minimum_duration_seconds\": 2, \"minimum_sample\": 150}]";
    private static final String GATES = "[{\"metric\": \"error_rate\", \"kind\": \"vs_baseline\", \"limit\": 0.05}]";

    private static final Map<String, SimulatedProvider> simulators = new ConcurrentHashMap<>();
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static String brokers;
    private static String[] statsArgs;
    private static String[] routerArgs;
    private static ConfigurableApplicationContext stats;
    private static ConfigurableApplicationContext router;

    @BeforeAll
    static void startTheSystem() throws Exception {
        brokers = System.getProperty("spring.embedded.kafka.brokers");
        assertThat(brokers).as("the global embedded KRaft broker").isNotBlank();
        for (final String version : List.of("v1", "v2", "v3")) {
            simulators.put(version, SimulatedProvider.start(version, "127.0.0.1", 0, HEALTHY));
        }
        statsArgs = new String[] {
            "--server.port=" + FreePorts.any(), // kept across its restart, so the router's stats-url stays right
            "--spring.kafka.bootstrap-servers=" + brokers,
            "--spring.kafka.streams.application-id=rollout-stats-" + UUID.randomUUID(),
            "--spring.kafka.streams.state-dir=" + Files.createTempDirectory("switchboard-stats-rollouts"),
            "--switchboard.stats.admin-token=" + ADMIN,
            "--switchboard.stats.rollouts.judge-every=1s",
            "--switchboard.stats.rollouts.hold-every=5s"};
        stats = startStats();
        routerArgs = new String[] {
            "--server.port=0",
            "--spring.kafka.bootstrap-servers=" + brokers,
            "--switchboard.security.client-keys=" + CLIENT,
            "--switchboard.security.admin-token=" + ADMIN,
            "--switchboard.routing.stats-url=" + base(stats),
            // the canary judges the candidate's errors; passive ejection would hide them from it
            "--switchboard.routing.outliers.consecutive-failures=1000000"};
        router = RoutingServiceApplication.builder().run(routerArgs);
        InJvmServices.awaitReady(http, router); // a router takes changes once it has read the config topics
        addVersion("v1", 100, true);
        addVersion("v2", 0, false);
        addVersion("v3", 0, false);
    }

    @AfterAll
    static void stopTheSystem() {
        for (final ConfigurableApplicationContext context : new ConfigurableApplicationContext[] {router, stats}) {
            if (context != null) {
                context.close();
            }
        }
        simulators.values().forEach(SimulatedProvider::close);
    }

    @Test
    @Order(1)
    void shouldPromoteAGoodCandidateThroughItsStepsToTheDefault() throws Exception {
        try (NewUsers traffic = NewUsers.calling(http, 8, () -> chat(UUID.randomUUID().toString()))) {
            final JsonNode created = create("good", "v2", "v1");
            assertThat(created.path("status").asString()).isEqualTo("running");
            assertThat(created.path("weights").path("v2").asDouble()).isEqualTo(20.0);

            final JsonNode finished = awaitStatus("good", "finished", Duration.ofSeconds(120));
            printDecisions(finished);
            assertThat(finished.path("decisions")).extracting(d -> d.path("action").asString())
                .containsExactly("promote", "promote");
            assertThat(finished.path("decisions").get(0).path("decided_by").asString()).startsWith("canary-judge@");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThat(defaultVersion()).as("the finished candidate is the provider's default").isEqualTo("v2"));
        final Map<String, Long> after = servedBy(100);
        assertThat(after).as("everyone is on the candidate once it finished").containsOnlyKeys("v2");
    }

    @Test
    @Order(2)
    void shouldRollBackABadCandidateAndTakeItsTrafficAwayWithinASecondOfTheDecision() throws Exception {
        final SimulatedProvider bad = simulators.get("v3");
        try (NewUsers traffic = NewUsers.calling(http, 8, () -> chat(UUID.randomUUID().toString()));
             CallWatch watch = CallWatch.on(bad)) {
            create("bad", "v3", "v2");
            await().atMost(Duration.ofSeconds(30)).until(() -> bad.apiCalls() >= 100);
            final long faultAt = System.nanoTime();
            bad.setKnobs(new Knobs(1, 0.1, 0.5, 503, false, 6, 0));

            final JsonNode rolledBack = awaitStatus("bad", "rolled_back", Duration.ofSeconds(60));
            final long decidedSeen = System.nanoTime();
            printDecisions(rolledBack);
            final JsonNode last = rolledBack.path("decisions").get(rolledBack.path("decisions").size() - 1);
            assertThat(last.path("action").asString()).isEqualTo("roll_back");
            assertThat(last.path("failed_gate").asString()).isEqualTo("error_rate <= baseline + 0.05");
            assertThat(rolledBack.path("weights").path("v3").asDouble()).isZero();

            final long calls = bad.apiCalls();
            await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> true);
            assertThat(bad.apiCalls()).as("no call reaches the rolled-back candidate any more").isEqualTo(calls);
            final double toZero = (watch.lastCallAt() - faultAt) / 1e9;
            final long decisionToZero = Duration.between(Instant.parse(last.path("decided_at").asString()),
                watch.lastCallWallClock()).toMillis();
            log.info("ROLLOUT-E2E fault to candidate traffic 0: {} s; the judge's roll back to the candidate's last "
                    + "call: {} ms (seen through the admin API after {} s); candidate failures in the evidence: {} of {}",
                String.format("%.2f", toZero), decisionToZero, String.format("%.2f", (decidedSeen - faultAt) / 1e9),
                last.path("candidate_failures").asLong(), last.path("candidate_samples").asLong());
            assertThat(toZero).isLessThan(30);
            assertThat(decisionToZero).as("routers apply a decision within a second").isLessThan(1000);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(defaultVersion()).isEqualTo("v2"));
        assertThat(servedBy(50)).containsOnlyKeys("v2");
    }

    @Test
    @Order(3)
    void shouldResumeARolloutWhereItWasAfterRestartingTheRouterAndStatsStreams() throws Exception {
        simulators.get("v3").setKnobs(HEALTHY);
        final String slow = "[{\"percentage\": 10, \"minimum_duration_seconds\": 3600, \"minimum_sample\": 10}, "
            + "{\"percentage\": 30, \"minimum_duration_seconds\": 3600, \"minimum_sample\": 10}]";
        final JsonNode created = json(send("POST", base(router) + "/api/rollouts", "{\"rollout_id\": \"restart\", "
            + "\"provider\": \"" + PROVIDER + "\", \"candidate\": \"v3\", \"baseline\": \"v2\", \"steps\": " + slow
            + ", \"gates\": " + GATES + "}"), 201);
        assertThat(created.path("step").asInt()).isEqualTo(1);
        final JsonNode promoted = json(send("POST", base(router) + "/api/rollouts/restart/promote",
            "{\"reason\": \"looks fine\"}"), 200);
        assertThat(promoted.path("step").asInt()).isEqualTo(2);
        final JsonNode stale = JSON.readTree(send("POST", base(router) + "/api/rollouts/restart/resume", null).body());
        assertThat(stale.toString()).contains("running; it cannot resume");
        servedBy(100); // some canary traffic before the restarts
        final Instant began = Instant.parse(created.path("created_at").asString());
        awaitAudits(c -> c.getSubject().equals("restart") && c.getAction().equals("promote_rollout"), 1);

        stats.close();
        router.close();
        stats = startStats();
        router = RoutingServiceApplication.builder().run(routerArgs);
        InJvmServices.awaitReady(http, router);

        final JsonNode resumed = await().atMost(Duration.ofSeconds(60)).until(() -> rollout("restart"),
            r -> r.path("step").asInt() == 2);
        assertThat(resumed.path("status").asString()).isEqualTo("running");
        assertThat(resumed.path("revision").asLong()).isEqualTo(1);
        assertThat(resumed.path("weights").path("v3").asDouble()).isEqualTo(30.0);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            final JsonNode judge = rollout("restart").path("judge");
            assertThat(judge.path("step").asInt()).as(judge.toString()).isEqualTo(2);
            assertThat(judge.path("revision").asLong()).isEqualTo(1);
        });
        final Map<String, Long> split = servedBy(400);
        log.info("ROLLOUT-E2E after restarting the router and stats-streams at step 2 (30%): {}", split);
        assertThat(split.getOrDefault("v3", 0L)).isBetween(60L, 180L);

        final JsonNode finished = json(send("POST", base(router) + "/api/rollouts/restart/promote", null), 200);
        assertThat(finished.path("status").asString()).isEqualTo("finished");
        // settled once: v3 becomes the default with all the weight, v2 gets 0
        awaitAudits(c -> c.getAction().equals("finish_rollout") && !c.getAt().isBefore(began), 2);
        assertThat(audits(c -> c.getAction().equals("finish_rollout") && !c.getAt().isBefore(began))).isEqualTo(2);
        assertThat(audits(c -> c.getSubject().equals("restart") && c.getAction().equals("promote_rollout")))
            .as("each decision applied once, across the restarts").isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(defaultVersion()).isEqualTo("v3"));
    }

    @Test
    @Order(4)
    void shouldStartARolloutDeclaredInConfigurationOnceAcrossRestarts() throws Exception {
        final String[] declaring = Stream.concat(Arrays.stream(routerArgs), Stream.of(
            "--switchboard.routing.rollouts[0].provider=" + PROVIDER,
            "--switchboard.routing.rollouts[0].candidate=v2",
            "--switchboard.routing.rollouts[0].percentage=25")).toArray(String[]::new);
        router.close();
        router = RoutingServiceApplication.builder().run(declaring);
        final String id = "config-LLM-Canary-v2";
        final JsonNode declared = await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
            .until(() -> rollout(id), r -> r.path("status").asString().equals("running"));
        assertThat(declared.path("declared_in").asString()).isEqualTo("configuration");
        assertThat(declared.path("baseline").asString()).as("the provider's default").isEqualTo("v3");
        assertThat(declared.path("weights").path("v2").asDouble()).isEqualTo(25.0);
        assertThat(declared.path("steps")).extracting(step -> step.path("percentage").asDouble())
            .containsExactly(25.0, 50.0);

        router.close();
        router = RoutingServiceApplication.builder().run(declaring);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
            assertThat(rollout(id).path("created_at").asString()).as("the same rollout, not a second")
                .isEqualTo(declared.path("created_at").asString()));
        assertThat(json(send("GET", base(router) + "/api/rollouts?provider=" + PROVIDER + "&status=running", null),
            200)).hasSize(1);

        final JsonNode aborted = json(send("POST", base(router) + "/api/rollouts/" + id + "/abort", null), 200);
        assertThat(aborted.path("status").asString()).isEqualTo("aborted");
        assertThat(aborted.path("weights").path("v2").asDouble()).isZero();
    }

    @Test
    @Order(5)
    void shouldRollBackACandidateThatCostsThirtyPercentMorePerRequestAndCountEachVersionsCostInItsDailyStats()
        throws Exception {
        // The same answers (the same tokens) at prices 30% higher: only the cost gate can tell them apart.
        addPricedVersion("p1", 3, 15, 0.001, true);
        addPricedVersion("p2", 3 * 1.3, 15 * 1.3, 0.001 * 1.3, false);
        try (NewUsers traffic = NewUsers.calling(http, 8, () -> LocalCalls.chatAs(base(router), CLIENT, "Priced",
            UUID.randomUUID().toString()))) {
            json(send("POST", base(router) + "/api/rollouts", "{\"rollout_id\": \"dearer\", \"provider\": "
                + "\"LLM/Priced\", \"candidate\": \"p2\", \"steps\": " + STEPS + ", \"gates\": [{\"metric\": "
                + "\"cost_per_request\", \"kind\": \"vs_baseline\", \"limit\": 0.1}, " + GATES.substring(1)
                + "}"), 201);
            final JsonNode rolledBack = awaitStatus("dearer", "rolled_back", Duration.ofSeconds(120));
            printDecisions(rolledBack);
            final JsonNode last = rolledBack.path("decisions").get(rolledBack.path("decisions").size() - 1);
            assertThat(last.path("action").asString()).isEqualTo("roll_back");
            assertThat(last.path("failed_gate").asString()).isEqualTo("cost_per_request <= baseline x 1.1");
        }
        for (final String version : List.of("p1", "p2")) {
            final double[] prices = version.equals("p1") ? new double[] {3, 15, 0.001}
                : new double[] {3 * 1.3, 15 * 1.3, 0.001 * 1.3};
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                final JsonNode day = JSON.readTree(send("GET", base(stats) + "/api/stats/providers/LLM/Priced/versions/"
                    + version + "/daily", null).body()).path("data").path(0);
                final long requests = day.path("total_requests").asLong();
                assertThat(requests).isPositive();
                assertThat(day.path("failed_requests").asLong()).isZero();
                assertThat(day.path("costed_requests").asLong()).isEqualTo(requests);
                final double expected = requests * prices[2] + day.path("prompt_tokens").asLong() * prices[0] / 1e6
                    + day.path("completion_tokens").asLong() * prices[1] / 1e6;
                log.info("COST-E2E {}: {} requests, {} prompt and {} completion tokens: ${} counted, ${} at its prices "
                    + "(${} a request)", version, requests, day.path("prompt_tokens"), day.path("completion_tokens"),
                    day.path("cost_usd"), expected, day.path("cost_per_request_usd"));
                assertThat(day.path("cost_usd").asDouble()).isCloseTo(expected, within(1e-9 * expected));
            });
        }
    }

    private static void addPricedVersion(final String version, final double input, final double output,
                                         final double perRequest, final boolean isDefault) throws Exception {
        final SimulatedProvider simulator = SimulatedProvider.start(version, "127.0.0.1", 0, HEALTHY);
        simulators.put(version, simulator);
        final HttpResponse<String> added = send("POST", base(router) + "/api/system-configs/provider",
            "{\"category\": \"LLM\", \"name\": \"Priced\", \"version\": \"" + version + "\", \"type\": \"ollama\", "
                + "\"model_name\": \"llama2\", \"url\": \"http://127.0.0.1:" + simulator.port() + "\", \"weight\": "
                + (isDefault ? 100 : 0) + ", \"is_active\": true, \"is_default\": " + isDefault + ", \"prices\": "
                + "{\"input_per_million_tokens\": " + input + ", \"output_per_million_tokens\": " + output
                + ", \"per_request\": " + perRequest + "}}");
        assertThat(added.statusCode()).as(added.body()).isBetween(200, 201);
    }

    private static ConfigurableApplicationContext startStats() {
        final ConfigurableApplicationContext context = StatsStreamsApplication.builder().run(statsArgs);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
            LocalCalls.send(http, "GET", base(context) + "/actuator/health", null, null).body())
            .contains("\"status\":\"UP\""));
        return context;
    }

    private static JsonNode create(final String id, final String candidate, final String baseline) throws Exception {
        return json(send("POST", base(router) + "/api/rollouts", "{\"rollout_id\": \"" + id + "\", \"provider\": \""
            + PROVIDER + "\", \"candidate\": \"" + candidate + "\", \"baseline\": \"" + baseline + "\", \"steps\": "
            + STEPS + ", \"gates\": " + GATES + "}"), 201);
    }

    private static JsonNode awaitStatus(final String id, final String status, final Duration within) {
        return await().atMost(within).pollInterval(Duration.ofMillis(50)).until(() -> rollout(id),
            r -> r.path("status").asString().equals(status));
    }

    private static JsonNode rollout(final String id) throws Exception {
        return json(send("GET", base(router) + "/api/rollouts/" + id, null), 200);
    }

    private static void printDecisions(final JsonNode rollout) {
        for (final JsonNode decision : rollout.path("decisions")) {
            log.info("ROLLOUT-E2E {} {} step {}: {} by {} ({}), candidate {} of {} failed", rollout.path("rollout_id")
                    .asString(), decision.path("decided_at").asString(), decision.path("step").asInt(),
                decision.path("action").asString(), decision.path("decided_by").asString(),
                decision.path("reason").asString(), decision.path("candidate_failures").asLong(),
                decision.path("candidate_samples").asLong());
        }
    }

    private static String defaultVersion() throws Exception {
        final JsonNode versions = JSON.readTree(send("GET", base(router)
            + "/api/system-configs/provider/LLM/Canary/versions", null).body());
        for (final JsonNode version : versions.path("data")) {
            if (version.path("is_default").asBoolean()) {
                return version.path("version").asString();
            }
        }
        return versions.toString();
    }

    /** Sends {@code n} requests from new users; which version answered how many. */
    private static Map<String, Long> servedBy(final int n) throws Exception {
        final Map<String, Long> by = new ConcurrentHashMap<>();
        for (int i = 0; i < n; i++) {
            final HttpResponse<String> answer = http.send(chat(UUID.randomUUID().toString()),
                HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            by.merge(answer.headers().firstValue("X-Switchboard-Version").orElse("?"), 1L, Long::sum);
        }
        return by;
    }

    private static void awaitAudits(final Predicate<ConfigChange> which, final int count) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            assertThat(audits(which)).isGreaterThanOrEqualTo(count));
    }

    /** The audit records that match, read from the whole audit topic. */
    private static long audits(final Predicate<ConfigChange> which) {
        return TestTopics.readCommitted(brokers, Topics.CONFIG_AUDIT, EventSerdes.configChange()).stream()
            .filter(which).count();
    }

    private static void addVersion(final String version, final int weight, final boolean isDefault)
        throws Exception {
        LocalCalls.addSimulatedVersion(http, base(router), ADMIN, "LLM", "Canary", version,
            simulators.get(version).port(), weight, isDefault);
    }

    private static HttpRequest chat(final String user) {
        return LocalCalls.chatAs(base(router), CLIENT, "Canary", user);
    }

    private static HttpResponse<String> send(final String method, final String url, final String body)
        throws Exception {
        return LocalCalls.send(http, method, url, body, ADMIN);
    }

    private static JsonNode json(final HttpResponse<String> answer, final int status) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        return JSON.readTree(answer.body()).path("data");
    }


    /** When a simulator was last called, watched every few milliseconds. */
    private static final class CallWatch implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong lastCallAt = new AtomicLong(System.nanoTime());
        private volatile Instant lastCallWallClock = Instant.now();
        private final Thread thread;

        private CallWatch(final SimulatedProvider simulator) {
            thread = Thread.ofVirtual().start(() -> {
                long seen = simulator.apiCalls();
                while (running.get()) {
                    final long now = simulator.apiCalls();
                    if (now != seen) {
                        seen = now;
                        lastCallAt.set(System.nanoTime());
                        lastCallWallClock = Instant.now();
                    }
                    Thread.onSpinWait();
                    java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
                }
            });
        }

        static CallWatch on(final SimulatedProvider simulator) {
            return new CallWatch(simulator);
        }

        long lastCallAt() {
            return lastCallAt.get();
        }

        Instant lastCallWallClock() {
            return lastCallWallClock;
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join();
        }
    }
}
