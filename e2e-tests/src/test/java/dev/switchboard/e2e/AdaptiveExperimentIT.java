package dev.switchboard.e2e;

import static dev.switchboard.e2e.LocalCalls.base;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.routing.RoutingServiceApplication;
import dev.switchboard.simulator.Knobs;
import dev.switchboard.simulator.SimulatedProvider;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Adaptive experiments on the real stack: three simulator versions of a provider (one plainly better), an adaptive
 * experiment created through the router's admin API, new users sent through the router, stats-streams deciding
 * from the real outcome topic, the router following its decisions and promoting the winner; then the decisions
 * re-made from the topics. And a guardrail eliminating the arm that scores best on the metric but fails.
 */
@Order(6)
class AdaptiveExperimentIT {

    private static final Logger log = LoggerFactory.getLogger(AdaptiveExperimentIT.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ADMIN = "adaptive-admin-token";
    private static final String CLIENT = "adaptive-client-key";
    private static final int CONCURRENCY = 32;

    private static final List<SimulatedProvider> simulators = new ArrayList<>();
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final AtomicInteger users = new AtomicInteger();
    private static ConfigurableApplicationContext stats;
    private static ConfigurableApplicationContext router;

    @BeforeAll
    static void startTheSystem() throws Exception {
        stats = InJvmServices.stats("adaptive", "--switchboard.stats.admin-token=" + ADMIN);
        // No prober and no passive ejection: a version's errors are the experiment's evidence here.
        router = RoutingServiceApplication.builder().run(
            "--server.port=0",
            "--spring.kafka.bootstrap-servers=" + System.getProperty("spring.embedded.kafka.brokers"),
            "--switchboard.security.client-keys=" + CLIENT,
            "--switchboard.security.admin-token=" + ADMIN,
            "--switchboard.routing.stats-url=" + base(stats),
            "--switchboard.routing.outliers.consecutive-failures=1000000");
        InJvmServices.awaitReady(http, stats, router);
    }

    @AfterAll
    static void stopTheSystem() {
        InJvmServices.close(router, stats);
        simulators.forEach(SimulatedProvider::close);
    }

    @Test
    void shouldMoveUsersToTheBetterVersionStopWithItPromoteItAndReplayToTheSameDecisions() throws Exception {
        addVersion("Adaptive", "v1", 0.12, 1, true);
        addVersion("Adaptive", "v2", 0.12, 1, false);
        addVersion("Adaptive", "v3", 0.02, 1, false);
        created(send("POST", base(router) + "/api/experiments", "{\"experiment_name\": \"live-search\", "
            + "\"provider\": \"LLM/Adaptive\", \"model_a\": \"v1\", \"model_b\": \"v2\", \"arms\": {\"model_c\": "
            + "\"v3\"}, \"success_metric\": \"success_rate\", \"duration_days\": 1, \"mode\": \"adaptive\", "
            + "\"confidence\": 0.95, \"minimum_sample\": 50, \"decide_every_seconds\": 2, \"promote_winner\": true}"));

        // New users at a steady 150 a second, whatever the machine's speed: a period of 2 s then holds a few dozen
        // of the experiment's outcomes, fewer than its arms' minimum samples, so the first decisions explore.
        try (NewUsers traffic = NewUsers.atRate(http, 150, () -> LocalCalls.chatAs(base(router), CLIENT, "Adaptive",
            "user-" + users.incrementAndGet()))) {
            await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(json(send("GET", base(router) + "/api/experiments/live-search", null)).path("data")
                    .path("status").asString()).isEqualTo("stopped"));
        }

        final JsonNode decisions = json(send("GET", base(router) + "/api/experiments/live-search/decisions", null))
            .path("decisions");
        log.info("live-search: {} decisions: {}", decisions.size(), summary(decisions));
        final JsonNode first = decisions.path(0);
        final JsonNode last = decisions.path(decisions.size() - 1);
        assertThat(first.path("state").asString()).isEqualTo("exploring");
        assertThat(last.path("state").asString()).isEqualTo("best_found");
        assertThat(last.path("winner").asString()).isEqualTo("model_c");
        assertThat(last.path("reason").asString()).contains("model_c is the best arm with confidence 0.95");
        assertThat(maxShare(decisions, "model_c")).as("the better arm's share grew past an equal third")
            .isGreaterThan(0.4);
        for (final JsonNode arm : last.path("arms")) {
            if (!arm.path("arm").asString().equals("model_c")) {
                assertThat(arm.path("eliminated").asString()).as(arm.toString()).startsWith("worse than ");
                assertThat(arm.path("share").asDouble()).isZero();
            }
        }
        for (final JsonNode decision : decisions) {
            assertThat(decision.path("late_outcomes").asLong()).isZero();
        }

        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            final Map<String, JsonNode> versions = versions("Adaptive");
            assertThat(versions.get("v3").path("is_default").asBoolean()).as("the winner is the default").isTrue();
            assertThat(versions.get("v3").path("weight").asInt()).isEqualTo(100);
            assertThat(versions.get("v1").path("weight").asInt()).isZero();
            assertThat(versions.get("v2").path("weight").asInt()).isZero();
        });
        final JsonNode audit = json(send("GET", base(router) + "/api/audit?subject=LLM/Adaptive&limit=50", null));
        assertThat(audit.path("data").valueStream().filter(change -> change.path("action").asString()
            .equals("promote_winner")).map(change -> change.path("actor").asString()).distinct().toList())
            .containsExactly("experiment:live-search");
        assertThat(json(send("GET", base(router) + "/api/experiments/live-search", null)).path("data")
            .path("status").asString()).isEqualTo("stopped");

        final JsonNode replay = json(send("GET", base(router) + "/api/experiments/live-search/decisions/replay",
            null));
        log.info("live-search replayed from the topics: {} outcomes, {} decisions logged, {} replayed, reproduced {}"
            + "{}", replay.path("outcomes"), replay.path("logged"), replay.path("replayed"),
            replay.path("reproduced"), replay.path("differences"));
        assertThat(replay.path("differences").toString()).isEqualTo("[]");
        assertThat(replay.path("reproduced").asBoolean()).isTrue();
        assertThat(replay.path("replayed").asInt()).isEqualTo(decisions.size());
    }

    @Test
    void shouldEliminateTheFastestArmOnceItsErrorsBreachAGuardrailAndTakeInAnArmAddedWhileItRuns() throws Exception {
        // v3 answers fastest, which is what the experiment optimizes, but fails a third of its requests.
        addVersion("Guarded", "v1", 0.01, 40, true);
        addVersion("Guarded", "v2", 0.01, 40, false);
        addVersion("Guarded", "v3", 0.33, 5, false);
        created(send("POST", base(router) + "/api/experiments", "{\"experiment_name\": \"live-guarded\", "
            + "\"provider\": \"LLM/Guarded\", \"model_a\": \"v1\", \"model_b\": \"v2\", \"arms\": {\"model_c\": "
            + "\"v3\"}, \"success_metric\": \"latency\", \"duration_days\": 1, \"mode\": \"adaptive\", "
            + "\"minimum_sample\": 50, \"decide_every_seconds\": 2, \"guardrails\": [{\"metric\": \"error_rate\", "
            + "\"kind\": \"vs_baseline\", \"limit\": 0.02}]}"));

        final SimulatedProvider fourth = SimulatedProvider.start("Guarded-v4", "127.0.0.1", 0,
            new Knobs(30, 0.1, 0.01, 500, false, 6, 0));
        simulators.add(fourth);
        LocalCalls.addSimulatedVersion(http, base(router), ADMIN, "LLM", "Guarded", "v4", fourth.port(), 0, false);

        final JsonNode[] decisions = new JsonNode[1];
        final Map<String, Integer> served = new HashMap<>();
        final boolean[] added = {false};
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ZERO).untilAsserted(() -> {
            sendBatch("Guarded", served);
            decisions[0] = json(send("GET", base(stats) + "/api/experiments/live-guarded/decisions", null))
                .path("decisions");
            if (!added[0] && decisions[0].size() > 0) { // an arm added to the running search
                assertThat(json(send("POST", base(router) + "/api/experiments/live-guarded/arms",
                    "{\"arm\": \"model_d\", \"version\": \"v4\"}")).path("data").path("arms").path("model_d")
                    .asString()).isEqualTo("v4");
                added[0] = true;
            }
            final JsonNode last = decisions[0].path(decisions[0].size() - 1);
            assertThat(eliminated(last, "model_c")).isNotEmpty();
            assertThat(samples(last, "model_d")).as("the added arm's evidence").isPositive();
        });
        final JsonNode out = decisions[0].path(decisions[0].size() - 1);
        log.info("live-guarded: users by arm {}; {}", served, summary(decisions[0]));
        assertThat(eliminated(out, "model_c")).startsWith("guardrail error_rate <= baseline + 0.02 failed");
        assertThat(out.path("layout").valueStream().map(range -> range.path("arm").asString()).toList())
            .doesNotContain("model_c");
        assertThat(served).containsKey("model_d");
        final JsonNode results = json(send("GET", base(router) + "/api/experiments/live-guarded/results", null));
        assertThat(results.path("mode").asString()).isEqualTo("adaptive");
        assertThat(results.path("latest_decision").path("sequence").asLong()).isGreaterThanOrEqualTo(
            out.path("sequence").asLong());
        assertThat(send("POST", base(router) + "/api/experiments/live-guarded/stop", null).statusCode())
            .isEqualTo(200);
    }

    private static void sendBatch(final String model, final Map<String, Integer> served) {
        final List<CompletableFuture<HttpResponse<String>>> batch = new ArrayList<>();
        for (int i = 0; i < CONCURRENCY; i++) {
            batch.add(http.sendAsync(LocalCalls.chatAs(base(router), CLIENT, model, "user-" + users.incrementAndGet()),
                HttpResponse.BodyHandlers.ofString()));
        }
        for (final CompletableFuture<HttpResponse<String>> answer : batch) {
            served.merge(answer.join().headers().firstValue("X-Switchboard-Arm").orElse("(not enrolled)"), 1,
                Integer::sum);
        }
    }

    private static String eliminated(final JsonNode decision, final String arm) {
        return decision.path("arms").valueStream().filter(a -> a.path("arm").asString().equals(arm))
            .map(a -> a.path("eliminated").asString("")).findFirst().orElse("");
    }

    private static long samples(final JsonNode decision, final String arm) {
        return decision.path("arms").valueStream().filter(a -> a.path("arm").asString().equals(arm))
            .mapToLong(a -> a.path("samples").asLong()).findFirst().orElse(0);
    }

    private static double maxShare(final JsonNode decisions, final String arm) {
        return decisions.valueStream().filter(d -> d.path("state").asString().equals("exploring"))
            .flatMap(d -> d.path("arms").valueStream()).filter(a -> a.path("arm").asString().equals(arm))
            .mapToDouble(a -> a.path("share").asDouble()).max().orElse(0);
    }

    /** Each decision in a line: its period, state, outcomes and shares. */
    private static String summary(final JsonNode decisions) {
        final StringBuilder lines = new StringBuilder();
        for (final JsonNode decision : decisions) {
            lines.append("\n  ").append(decision.path("sequence")).append(" period ").append(decision.path("period"))
                .append(' ').append(decision.path("state").asString()).append(", ")
                .append(decision.path("outcomes_seen")).append(" outcomes:");
            for (final JsonNode arm : decision.path("arms")) {
                lines.append(' ').append(arm.path("arm").asString()).append(' ')
                    .append(Math.round(arm.path("share").asDouble() * 1000) / 10.0).append("% (")
                    .append(arm.path("samples")).append(", ").append(arm.path("estimate")).append(')');
            }
        }
        return lines.toString();
    }

    private static Map<String, JsonNode> versions(final String provider) throws Exception {
        final Map<String, JsonNode> versions = new HashMap<>();
        json(send("GET", base(router) + "/api/system-configs/provider/LLM/" + provider + "/versions", null))
            .path("data").forEach(version -> versions.put(version.path("version").asString(), version));
        return versions;
    }

    private static void addVersion(final String provider, final String version, final double errorRate,
                                   final double latencyMs, final boolean isDefault) throws Exception {
        final SimulatedProvider simulator = SimulatedProvider.start(provider + "-" + version, "127.0.0.1", 0,
            new Knobs(latencyMs, 0.1, errorRate, 500, false, 6, 0));
        simulators.add(simulator);
        LocalCalls.addSimulatedVersion(http, base(router), ADMIN, "LLM", provider, version, simulator.port(), 50,
            isDefault);
    }

    private static void created(final HttpResponse<String> answer) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
    }

    private static JsonNode json(final HttpResponse<String> answer) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    private static HttpResponse<String> send(final String method, final String url, final String body)
        throws Exception {
        return LocalCalls.send(http, method, url, body, ADMIN);
    }
}
