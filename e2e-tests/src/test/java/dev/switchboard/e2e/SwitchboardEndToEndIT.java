package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.switchboard.e2e.LocalCalls.base;
import static org.awaitility.Awaitility.await;

import dev.switchboard.common.testing.FreePorts;
import dev.switchboard.prober.HealthProberApplication;
import dev.switchboard.routing.RoutingServiceApplication;
import dev.switchboard.routing.health.HealthBoard;
import dev.switchboard.schemas.VersionKey;
import dev.switchboard.simulator.Knobs;
import dev.switchboard.simulator.SimulatedProvider;
import dev.switchboard.stats.StatsStreamsApplication;
import dev.switchboard.stats.replay.ReplayCommand;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.imageio.ImageIO;
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
 * The whole pipeline on one real KRaft broker: client -> router -> simulated provider, outcome -> Kafka ->
 * stats-streams (exactly-once, RocksDB) -> REST; simulator outage -> prober -> health event -> router.
 */
@Order(1)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwitchboardEndToEndIT {

    private static final Logger log = LoggerFactory.getLogger(SwitchboardEndToEndIT.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ADMIN = "e2e-admin-token";
    private static final String CLIENT = "e2e-client-key";
    private static final Knobs FAST = new Knobs(2, 0.2, 0, 500, false, 6, 1);
    private static final VersionKey V2 = new VersionKey("LLM", "OllamaLLM", "v2");

    /** Requests the router answered, by the version that answered: what the stats must count exactly. */
    private static final Map<String, Long> served = new ConcurrentHashMap<>();

    private static SimulatedProvider v1;
    private static SimulatedProvider v2;
    private static ConfigurableApplicationContext stats;
    private static ConfigurableApplicationContext prober;
    private static ConfigurableApplicationContext router;
    private static String[] statsArgs;
    /** HTTP/1.1 as the router serves it: no h2c upgrade attempt on each new connection. */
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void startTheSystem() throws Exception {
        final String brokers = System.getProperty("spring.embedded.kafka.brokers");
        assertThat(brokers).as("the global embedded KRaft broker").isNotBlank();
        v1 = SimulatedProvider.start("v1", "127.0.0.1", 0, FAST);
        v2 = SimulatedProvider.start("v2", "127.0.0.1", 0, FAST);
        final Path stateDir = Files.createTempDirectory("switchboard-stats-e2e");
        statsArgs = new String[] {
            "--server.port=" + FreePorts.any(), // kept across its restart, so the prober's stats-url stays right
            "--spring.kafka.bootstrap-servers=" + brokers,
            "--spring.kafka.streams.application-id=e2e-stats-" + UUID.randomUUID(),
            "--spring.kafka.streams.state-dir=" + stateDir,
            "--switchboard.stats.admin-token=" + ADMIN};
        stats = startStats();
        prober = HealthProberApplication.builder().run(
            "--server.port=0",
            "--spring.kafka.bootstrap-servers=" + brokers,
            "--switchboard.prober.interval=1s",
            "--switchboard.prober.max-error-count=2",
            "--switchboard.prober.retry-after=2s",
            "--switchboard.prober.probe-timeout=2s",
            "--switchboard.prober.stats-url=" + base(stats),
            "--switchboard.prober.admin-token=" + ADMIN);
        router = RoutingServiceApplication.builder().run(
            "--server.port=0",
            "--spring.kafka.bootstrap-servers=" + brokers,
            "--switchboard.security.client-keys=" + CLIENT,
            "--switchboard.security.admin-token=" + ADMIN,
            "--switchboard.routing.prober-url=" + base(prober),
            "--switchboard.routing.stats-url=" + base(stats),
            "--switchboard.routing.providers[0].category=LLM",
            "--switchboard.routing.providers[0].name=OllamaLLM",
            "--switchboard.routing.providers[0].versions[0].version=v1",
            "--switchboard.routing.providers[0].versions[0].model_name=llama2",
            "--switchboard.routing.providers[0].versions[0].url=http://127.0.0.1:" + v1.port(),
            "--switchboard.routing.providers[0].versions[0].weight=50",
            "--switchboard.routing.providers[0].versions[0].is_default=true",
            "--switchboard.routing.providers[0].versions[1].version=v2",
            "--switchboard.routing.providers[0].versions[1].type=ollama",
            "--switchboard.routing.providers[0].versions[1].model_name=llama2:13b",
            "--switchboard.routing.providers[0].versions[1].url=http://127.0.0.1:" + v2.port(),
            "--switchboard.routing.providers[0].versions[1].weight=50");
    }

    private static ConfigurableApplicationContext startStats() {
        final ConfigurableApplicationContext context = StatsStreamsApplication.builder().run(statsArgs);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
            assertThat(get(base(context) + "/actuator/health", null).body()).contains("\"status\":\"UP\""));
        return context;
    }

    @AfterAll
    static void stopTheSystem() {
        for (final ConfigurableApplicationContext context : new ConfigurableApplicationContext[] {router, prober, stats}) {
            if (context != null) {
                context.close();
            }
        }
        v1.close();
        v2.close();
    }

    @Test
    @Order(1)
    void statsCountExactlyTheRequestsSentThroughTheRouter() throws Exception {
        sendChats(40, false);
        sendChats(10, true);

        awaitStatsMatchServed();
        assertThat(served.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(50);
        assertThat(served).containsKeys("v1", "v2");
    }

    @Test
    @Order(2)
    void statsStayExactAcrossAStatsStreamsRestart() throws Exception {
        stats.close();
        sendChats(20, false); // sent while stats-streams is down: counted once it is back
        stats = startStats();
        sendChats(10, false);

        awaitStatsMatchServed();
        final JsonNode v1Day = statsDays("v1");
        assertThat(v1Day.path(0).path("success_requests").asLong()).isEqualTo(v1Day.path(0).path("total_requests").asLong());
        assertThat(v1Day.path(0).path("total_tokens").asLong()).isPositive();
    }

    @Test
    @Order(3)
    void routesNothingToAVersionTheProberFindsInOutageAndTakesItBackWhenHealed() throws Exception {
        final HealthBoard board = router.getBean(HealthBoard.class);
        final Instant outage = Instant.now();
        v2.setKnobs(new Knobs(2, 0.2, 0, 500, true, 6, 1));

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10))
            .until(() -> !board.isRoutable(V2));
        final Instant noTraffic = Instant.now();
        final Duration eventToRouting = Duration.between(board.report(V2).orElseThrow().checkedAt(), noTraffic);
        log.info("Outage of {} to 0 traffic: {} ms (probe interval 1 s, max_error_count 2); unhealthy health "
            + "event to 0 traffic: {} ms", V2, Duration.between(outage, noTraffic).toMillis(), eventToRouting.toMillis());
        assertThat(eventToRouting).isLessThanOrEqualTo(Duration.ofSeconds(1));

        final Map<String, Long> before = Map.copyOf(served);
        sendChats(40, false);
        assertThat(served.getOrDefault("v2", 0L)).as("requests answered by v2 during its outage")
            .isEqualTo(before.getOrDefault("v2", 0L));

        v2.setKnobs(FAST);
        await().atMost(Duration.ofSeconds(20)).until(() -> board.isRoutable(V2));
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            sendChats(5, false);
            return served.getOrDefault("v2", 0L) > before.getOrDefault("v2", 0L);
        });
        awaitStatsMatchServed();
    }

    @Test
    @Order(4)
    void servesSeed001sHealthApiAtTheRoutersPort() throws Exception {
        final JsonNode all = JSON.readTree(send("GET", base(router) + "/api/providers/health", null, ADMIN).body());
        assertThat(all.path("code").asInt()).isEqualTo(200);
        assertThat(all.path("data").findValuesAsString("provider_id"))
            .containsExactly("LLM/OllamaLLM/v1", "LLM/OllamaLLM/v2");
        final JsonNode v1Health = all.path("data").get(0);
        assertThat(v1Health.path("is_healthy").asBoolean()).isTrue();
        assertThat(v1Health.path("total_requests_24h").asLong()).as("from stats-streams").isEqualTo(served.get("v1"));
        assertThat(v1Health.path("success_rate_24h").asDouble()).isEqualTo(100.0);

        assertThat(send("GET", base(router) + "/api/providers/health/LLM/OllamaLLM/v2", null, ADMIN).statusCode())
            .isEqualTo(200);
        final HttpResponse<String> forced = send("POST", base(router) + "/api/health-check/force/LLM/OllamaLLM/v1",
            null, ADMIN);
        assertThat(forced.statusCode()).as(forced.body()).isEqualTo(200);
        assertThat(JSON.readTree(forced.body()).path("data").path("status").asString()).isEqualTo("healthy");

        final HttpResponse<String> changed = send("PUT", base(router) + "/api/health-check/config",
            "{\"enabled\": true, \"interval_minutes\": 10, \"max_error_count\": 5, \"retry_after_hours\": 1}", ADMIN);
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        assertThat(JSON.readTree(send("GET", base(router) + "/api/health-check/config", null, ADMIN).body())
            .path("data").path("interval_minutes").asInt()).isEqualTo(10);
        assertThat(send("PUT", base(router) + "/api/health-check/config", "{\"max_error_count\": 0}", ADMIN)
            .statusCode()).isEqualTo(400);
        assertThat(send("GET", base(router) + "/api/providers/health", null, "wrong").statusCode()).isEqualTo(401);
    }

    @Test
    @Order(5)
    void runsSeed002sFlowRegisterExperimentResultsPromote() throws Exception {
        final String modelA = register("v1", "{\"episodes\": 1000}", 42.5);
        final String modelB = register("v2", "{\"episodes\": 2000}", 40.1);
        final JsonNode listed = JSON.readTree(send("GET", base(router) + "/api/models?algorithm=llama", null, ADMIN)
            .body()).path("data");
        assertThat(listed.findValuesAsString("model_id")).containsExactly(modelA, modelB);
        assertThat(listed.get(1).path("tags").toString()).contains("latest");
        final String experiment = "{\"experiment_name\": \"e2e-tone\", \"provider\": \"LLM/OllamaLLM\", "
            + "\"model_a\": \"" + modelA + "\", \"model_b\": \"" + modelB + "\", "
            + "\"traffic_split\": {\"model_a\": 0.7, \"model_b\": 0.3}, "
            + "\"success_metric\": \"success_rate\", \"duration_days\": 7, \"minimum_sample\": 20}";
        final HttpResponse<String> created = send("POST", base(router) + "/api/experiments", experiment, ADMIN);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(JSON.readTree(created.body()).path("data").path("status").asString()).isEqualTo("running");
        assertThat(send("POST", base(router) + "/api/experiments", experiment, ADMIN).statusCode())
            .as("the name is taken").isEqualTo(409);
        final HttpResponse<String> makespan = send("POST", base(router) + "/api/experiments",
            experiment.replace("e2e-tone", "other").replace("success_rate", "makespan"), ADMIN);
        assertThat(makespan.statusCode()).isEqualTo(400);
        assertThat(makespan.body()).contains("success_metric");

        final Map<String, Long> arms = new ConcurrentHashMap<>();
        final Map<String, String> requestArms = new LinkedHashMap<>();
        for (int user = 0; user < 200; user++) {
            final HttpResponse<String> answer = chat("{\"model\":\"OllamaLLM\",\"user\":\"user-" + user
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(answer.headers().firstValue("X-Switchboard-Experiment")).contains("e2e-tone");
            final String arm = answer.headers().firstValue("X-Switchboard-Arm").orElseThrow();
            assertThat(answer.headers().firstValue("X-Switchboard-Version"))
                .contains(arm.equals("model_a") ? "v1" : "v2");
            arms.merge(arm, 1L, Long::sum);
            requestArms.put(answer.headers().firstValue("X-Request-Id").orElseThrow(), arm);
        }
        // Clients score some answers (with their own key), by the request id each answer gave: 0.9 for model_a's
        // first 10 answers, 0.6 for model_b's.
        final Map<String, Long> scored = new ConcurrentHashMap<>();
        for (final Map.Entry<String, String> request : requestArms.entrySet()) {
            if (scored.getOrDefault(request.getValue(), 0L) < 10) {
                final HttpResponse<String> feedback = sendAs(CLIENT, "POST",
                    base(router) + "/api/experiments/e2e-tone/feedback", "{\"request_id\": \"" + request.getKey()
                        + "\", \"score\": " + (request.getValue().equals("model_a") ? 0.9 : 0.6) + "}");
                assertThat(feedback.statusCode()).as(feedback.body()).isEqualTo(202);
                scored.merge(request.getValue(), 1L, Long::sum);
            }
        }
        assertThat(sendAs(CLIENT, "POST", base(router) + "/api/experiments", experiment).statusCode())
            .as("a client key opens only the feedback").isEqualTo(401);
        final HttpResponse<String> again = chat("{\"model\":\"OllamaLLM\",\"user\":\"user-7\",\"messages\":"
            + "[{\"role\":\"user\",\"content\":\"hi again\"}]}");
        arms.merge(again.headers().firstValue("X-Switchboard-Arm").orElseThrow(), 1L, Long::sum);

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
            .untilAsserted(() -> {
                final JsonNode results = JSON.readTree(send("GET", base(router)
                    + "/api/experiments/e2e-tone/results", null, ADMIN).body());
                assertThat(results.path("arms").path(0).path("samples").asLong()).isEqualTo(arms.get("model_a"));
                assertThat(results.path("arms").path(1).path("samples").asLong()).isEqualTo(arms.get("model_b"));
                assertThat(results.path("arms").path(0).path("scored").asLong()).isEqualTo(10);
                assertThat(results.path("arms").path(1).path("scored").asLong()).isEqualTo(10);
                assertThat(results.path("arms").path(0).path("mean_score").path("value").asDouble()).isEqualTo(0.9);
            });
        final JsonNode results = JSON.readTree(send("GET", base(router) + "/api/experiments/e2e-tone/results", null,
            ADMIN).body());
        log.info("Experiment e2e-tone: arms {}, SRM p {}, verdict {}", arms,
            results.path("sample_ratio").path("p_value"), results.path("verdict"));
        assertThat(results.path("sample_ratio").path("mismatch").asBoolean()).isFalse();
        assertThat(results.path("verdict").asString()).isEqualTo("no_detectable_difference");

        final HttpResponse<String> stopped = send("POST", base(router) + "/api/experiments/e2e-tone/stop", null,
            ADMIN);
        assertThat(JSON.readTree(stopped.body()).path("data").path("status").asString()).isEqualTo("stopped");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(chat("{\"model\":\"OllamaLLM\","
            + "\"user\":\"user-1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").headers()
            .firstValue("X-Switchboard-Experiment")).isEmpty());
        assertThat(send("POST", base(router) + "/api/experiments/e2e-tone/start", null, ADMIN).statusCode())
            .as("a stopped experiment stays stopped").isEqualTo(409);

        // The stopped experiment, analysed again from Kafka by the replay command: the same arms, and its report.
        final Path reports = Files.createTempDirectory("switchboard-e2e-reports");
        assertThat(ReplayCommand.run(new String[] {"--experiment", "e2e-tone", "--report", reports.toString(),
            "--bootstrap-servers", System.getProperty("spring.embedded.kafka.brokers")})).isEqualTo(0);
        final String report = Files.readString(reports.resolve("e2e-tone.md"));
        assertThat(report).contains("| model_a (control) | v1 | " + arms.get("model_a") + " |",
            "| model_b | v2 | " + arms.get("model_b") + " |", "20 client scores joined", "No mismatch",
            "**no_detectable_difference**", "status stopped");
        for (final String chart : List.of("metric", "split", "srm")) {
            assertThat(ImageIO.read(reports.resolve("e2e-tone-" + chart + ".png").toFile())).as(chart).isNotNull();
        }

        // Promote the winner (no worse, and cheaper in this story): validated, then deployed, which makes its
        // version the provider's default.
        assertThat(promote(modelB, "deployed").statusCode()).as("registered cannot jump to deployed").isEqualTo(409);
        assertThat(promote(modelB, "validated").statusCode()).isEqualTo(200);
        final HttpResponse<String> deployed = promote(modelB, "deployed");
        assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(200);
        assertThat(JSON.readTree(deployed.body()).path("data").path("tags").toString()).contains("stable");
        final JsonNode versions = JSON.readTree(send("GET", base(router)
            + "/api/system-configs/provider/LLM/OllamaLLM/versions", null, ADMIN).body());
        assertThat(versions.toString()).as("v2 is the default now").containsPattern(
            "\"version\":\"v2\"[^}]*\"is_default\":true");
    }

    @Test
    @Order(6)
    void mirrorsEveryRequestToAShadowCandidateInOutageWithoutAClientError() throws Exception {
        final String provider = base(router) + "/api/system-configs/provider/LLM/OllamaLLM";
        assertThat(send("PUT", provider + "/weight", "{\"version\": \"v1\", \"weight\": 100}", ADMIN).statusCode())
            .isEqualTo(200);
        assertThat(send("PUT", provider + "/weight", "{\"version\": \"v2\", \"weight\": 0}", ADMIN).statusCode())
            .isEqualTo(200);
        final HttpResponse<String> shadow = send("PUT", provider + "/shadow",
            "{\"candidate\": \"v2\", \"percentage\": 100}", ADMIN);
        assertThat(shadow.statusCode()).as(shadow.body()).isEqualTo(200);
        assertThat(send("PUT", provider + "/shadow", "{\"candidate\": \"v9\", \"percentage\": 100}", ADMIN)
            .statusCode()).isEqualTo(404);
        v2.setKnobs(new Knobs(2, 0.2, 0, 500, true, 6, 1)); // the candidate is down
        final Map<String, Long> before = Map.copyOf(served);

        sendChats(30, false); // each asserts a 200

        assertThat(served.get("v1") - before.getOrDefault("v1", 0L)).isEqualTo(30);
        final String pair = base(stats) + "/api/stats/shadow/LLM/OllamaLLM/v1/candidates/v2/daily";
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
            final JsonNode total = JSON.readTree(get(pair, ADMIN).body()).path("total").path(0);
            assertThat(total.path("comparisons").asLong()).isEqualTo(30);
            assertThat(total.path("candidate_error_rate").asDouble()).isEqualTo(1.0);
            assertThat(total.path("baseline_error_rate").asDouble()).isEqualTo(0.0);
        });
        awaitStatsMatchServed(); // shadow calls are not served traffic: v2's totals did not move
        assertThat(get(base(router) + "/actuator/prometheus", null).body())
            .contains("switchboard_shadow_calls_total{result=\"started\"} 30.0")
            .contains("switchboard_shadow_calls_total{result=\"skipped\"} 0.0");
        // Healed, the candidate's answers are compared with the baseline's, streamed or not.
        v2.setKnobs(FAST);
        sendChats(10, false);
        sendChats(10, true);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
            final JsonNode total = JSON.readTree(get(pair, ADMIN).body()).path("total").path(0);
            assertThat(total.path("comparisons").asLong()).isEqualTo(50);
            assertThat(total.path("similarity").path("scored").asLong()).as("plain and streamed answers compared")
                .isEqualTo(20);
        });
        assertThat(send("PUT", provider + "/shadow", "{\"enabled\": false}", ADMIN).statusCode()).isEqualTo(200);
    }

    private static String register(final String version, final String params, final double makespan)
        throws Exception {
        final HttpResponse<String> registered = send("POST", base(router) + "/api/models/register",
            "{\"model_path\": \"./llama_" + version + ".gguf\", \"algorithm_name\": \"llama\", "
                + "\"training_params\": " + params + ", \"performance_metrics\": {\"makespan\": " + makespan + "}, "
                + "\"description\": \"llama on " + version + "\", \"created_by\": \"e2e\", "
                + "\"provider\": \"LLM/OllamaLLM\", \"version\": \"" + version + "\"}", ADMIN);
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        return JSON.readTree(registered.body()).path("data").path("model_id").asString();
    }

    private static HttpResponse<String> promote(final String model, final String stage) throws Exception {
        return send("POST", base(router) + "/api/models/" + model + "/promote", "{\"stage\": \"" + stage + "\"}",
            ADMIN);
    }

    private static HttpResponse<String> chat(final String body) throws Exception {
        final HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create(base(router) + "/v1/chat/completions")).timeout(LocalCalls.TIMEOUT)
            .header("Authorization", "Bearer " + CLIENT).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("answer %s", response.body()).isEqualTo(200);
        served.merge(response.headers().firstValue("X-Switchboard-Version").orElseThrow(), 1L, Long::sum);
        return response;
    }

    private static HttpResponse<String> sendAs(final String token, final String method, final String url,
                                               final String body) throws Exception {
        return send(method, url, body, token);
    }

    private static HttpResponse<String> send(final String method, final String url, final String body,
                                             final String token) throws Exception {
        return LocalCalls.send(http, method, url, body, token);
    }

    private static void sendChats(final int count, final boolean stream) throws Exception {
        for (int i = 0; i < count; i++) {
            final HttpRequest request = HttpRequest.newBuilder(URI.create(base(router) + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + CLIENT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"OllamaLLM\",\"stream\":" + stream
                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello number " + i + "\"}]}"))
                .build();
            final HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("answer %s", response.body()).isEqualTo(200);
            served.merge(response.headers().firstValue("X-Switchboard-Version").orElseThrow(), 1L, Long::sum);
        }
    }

    private static void awaitStatsMatchServed() {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            for (final Map.Entry<String, Long> version : served.entrySet()) {
                long total = 0;
                for (final JsonNode day : statsDays(version.getKey())) {
                    total += day.path("total_requests").asLong();
                }
                assertThat(total).as("stats total of %s", version.getKey()).isEqualTo(version.getValue());
            }
        });
    }

    private static JsonNode statsDays(final String version) throws Exception {
        final LocalDate today = LocalDate.now(ZoneOffset.UTC);
        final HttpResponse<String> response = get(base(stats) + "/api/stats/providers/LLM/OllamaLLM/versions/"
            + version + "/daily?from=" + today.minusDays(1) + "&to=" + today, ADMIN);
        assertThat(response.statusCode()).as("stats answer %s", response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).path("data");
    }

    private static HttpResponse<String> get(final String url, final String token) throws Exception {
        return LocalCalls.send(http, "GET", url, null, token);
    }
}
