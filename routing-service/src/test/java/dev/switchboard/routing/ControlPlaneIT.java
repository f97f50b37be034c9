package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.switchboard.common.testing.TestTopics;
import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.events.RequestOutcome;
import dev.switchboard.events.SelectionReason;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.Topics;
import dev.switchboard.simulator.Knobs;
import dev.switchboard.simulator.SimulatedProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The control plane on a real KRaft broker: seed 000's walk-through with its own requests, validation that
 * changes nothing, two routers agreeing, a restart losing nothing, write-only secrets, and failover when a
 * version dies under traffic.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControlPlaneIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ADMIN = "cp-admin";
    private static final String KEY = "cp-key";
    private static final String SECRET = "sk-cp-" + UUID.randomUUID();
    private static final Knobs FAST = new Knobs(0, 0, 0, 500, false, 3, 0);
    private static final String BASE = "/api/system-configs/provider";

    private static final HttpClient http = HttpClient.newHttpClient();
    private static String brokers;
    private static SimulatedProvider v1;
    private static SimulatedProvider v2;
    private static SimulatedProvider backup;
    private static Path logs;
    private static ConfigurableApplicationContext routerA;
    private static ConfigurableApplicationContext routerB;

    @BeforeAll
    static void start() throws Exception {
        brokers = System.getProperty("spring.embedded.kafka.brokers");
        TestTopics.createAll(brokers);
        v1 = SimulatedProvider.start("v1", "127.0.0.1", 0, FAST);
        v2 = SimulatedProvider.start("v2", "127.0.0.1", 0, FAST);
        backup = SimulatedProvider.start("backup", "127.0.0.1", 0, FAST);
        logs = Files.createTempDirectory("control-plane-logs");
        routerA = router("router-a");
        routerB = router("router-b");
    }

    private static ConfigurableApplicationContext router(final String instance) {
        final List<String> args = new ArrayList<>(List.of("--server.port=0",
            "--spring.kafka.bootstrap-servers=" + brokers,
            "--switchboard.routing.instance-id=" + instance,
            "--switchboard.security.admin-token=" + ADMIN,
            "--switchboard.security.client-keys=" + KEY,
            "--switchboard.routing.outliers.consecutive-failures=2",
            "--logging.file.name=" + logs.resolve(instance + ".log")));
        // Structured (ECS JSON) logs in the file: one setting, Spring Boot's own. The routers share this JVM's
        // logging, so the router started last decides which file it goes to.
        args.add("--logging.structured.format.file=ecs");
        if (instance.equals("router-b")) { // only B knows where edge TTS versions without a url are called
            args.add("--switchboard.routing.types.edge.url=http://127.0.0.1:" + backup.port() + "/tts");
        }
        return RoutingServiceApplication.builder().run(args.toArray(String[]::new));
    }

    @AfterAll
    static void stop() {
        for (final ConfigurableApplicationContext router : List.of(routerA, routerB)) {
            router.close();
        }
        v1.close();
        v2.close();
        backup.close();
    }

    @Test
    @Order(0)
    void isReadyOnceItHasReadTheConfigTopics() {
        for (final ConfigurableApplicationContext router : List.of(routerA, routerB)) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                final HttpResponse<String> readiness = admin(router, "GET", "/actuator/health/readiness", null);
                assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(200);
                assertThat(body(readiness).path("components").path("configTopics").path("details").path("read")
                    .asBoolean()).isTrue();
            });
        }
    }

    @Test
    @Order(1)
    void walksThroughSeed000RolloutAndRollback() throws Exception {
        assertThat(admin(routerA, "POST", BASE, version("v1", 70, true, "openai", v1.port(), "llama2")).statusCode())
            .isEqualTo(201);
        assertThat(admin(routerA, "POST", BASE, version("v2", 30, false, "ollama", v2.port(), "llama2:13b")).statusCode())
            .isEqualTo(201);

        final JsonNode versions = body(admin(routerA, "GET", BASE + "/LLM/OllamaLLM/versions", null));
        assertThat(versions.path("total").asInt()).isEqualTo(2);
        assertThat(versions.path("data").get(0).path("is_default").asBoolean()).isTrue();
        final JsonNode grayscale = body(admin(routerA, "GET", BASE + "/LLM/OllamaLLM/grayscale", null)).path("data");
        assertThat(grayscale.path("strategy").asString()).isEqualTo("weight");
        assertThat(grayscale.path("versions").get(1).path("config").path("model_name").asString()).isEqualTo("llama2:13b");
        assertThat(grayscale.path("versions").get(1).path("config").path("temperature").asDouble()).isEqualTo(0.8);

        final Map<String, Integer> split = send(routerA, 10_000);
        System.out.println("Observed split of 10,000 requests at weights 70/30: " + split);
        assertThat(split.get("v1") / 100.0).as("v1 share of 10,000").isCloseTo(70.0, within(2.0));
        assertThat(split.get("v2") / 100.0).as("v2 share of 10,000").isCloseTo(30.0, within(2.0));

        admin(routerA, "PUT", BASE + "/LLM/OllamaLLM/weight", "{\"version\":\"v2\",\"weight\":50}");
        assertThat(send(routerA, 2_000).get("v2") / 20.0).isCloseTo(100.0 * 50 / 120, within(4.0));

        assertThat(admin(routerA, "PUT", BASE + "/LLM/OllamaLLM/default", "{\"version\":\"v2\"}").statusCode())
            .isEqualTo(200);
        assertThat(body(admin(routerA, "GET", BASE + "/LLM/OllamaLLM/versions", null)).path("data").get(1)
            .path("is_default").asBoolean()).isTrue();

        // The bad version is disabled with weight 0, then rolled back: v1 the default again, all traffic on v1.
        admin(routerA, "PUT", BASE + "/LLM/OllamaLLM/weight", "{\"version\":\"v2\",\"weight\":0}");
        admin(routerA, "PUT", BASE + "/LLM/OllamaLLM/default", "{\"version\":\"v1\"}");
        admin(routerA, "PUT", BASE + "/LLM/OllamaLLM/weight", "{\"version\":\"v1\",\"weight\":100}");
        assertThat(send(routerA, 500)).containsOnlyKeys("v1");

        assertThat(auditActions()).contains("create_version", "set_weight", "set_default");
    }

    @Test
    @Order(2)
    void refusesBadChangesWithClearErrorsAndChangesNothing() throws Exception {
        final String before = body(admin(routerA, "GET", BASE + "/LLM/OllamaLLM/grayscale", null)).toString();

        assertProblem(admin(routerA, "PUT", BASE + "/LLM/OllamaLLM/weight", "{\"version\":\"v2\",\"weight\":101}"),
            400, "'weight' must be a whole number 0-100");
        assertProblem(admin(routerA, "PUT", BASE + "/LLM/OllamaLLM/weight", "{\"version\":\"v2\",\"weight\":\"x\"}"),
            400, "'weight' must be a whole number");
        assertProblem(admin(routerA, "PUT", BASE + "/LLM/OllamaLLM/default", "{\"version\":\"v9\"}"), 404,
            "Unknown version 'v9'");
        assertProblem(admin(routerA, "POST", BASE, version("v1", 10, false, "openai", v1.port(), "x")), 409,
            "already exists");
        assertProblem(admin(routerA, "GET", BASE + "/LLM/NoSuch/versions", null), 404, "Unknown provider 'NoSuch'");
        assertProblem(admin(routerA, "GET", BASE + "/ASR/OllamaLLM/versions", null), 404, "Unknown category 'ASR'");
        assertProblem(admin(routerA, "PUT", BASE + "/LLM/OllamaLLM/weight", "{\"version\": "), 400, "not valid JSON");
        assertProblem(admin(routerA, "PUT", BASE + "/LLM/OllamaLLM/strategy", "{\"strategy\":\"fastest\"}"), 400,
            "Unknown strategy 'fastest'");
        admin(routerA, "POST", BASE + "/LLM/OllamaLLM/versions/v2/deactivate", null);
        assertProblem(admin(routerA, "PUT", BASE + "/LLM/OllamaLLM/default", "{\"version\":\"v2\"}"), 409, "inactive");
        admin(routerA, "POST", BASE + "/LLM/OllamaLLM/versions/v2/activate", null);
        assertThat(adminRaw(routerA, "GET", BASE + "/LLM/OllamaLLM/grayscale", null, null).statusCode()).isEqualTo(401);
        assertProblem(admin(routerA, "GET", "/api/system-configs/nothing", null), 404,
            "Unknown path GET /api/system-configs/nothing");
        assertProblem(admin(routerA, "DELETE", "/api/rollouts", null), 405, "/api/rollouts takes GET, POST, not DELETE");
        assertProblem(typed(routerA, "PUT", BASE + "/LLM/OllamaLLM/weight", "{}", "text/plain"), 415,
            "send 'Content-Type: application/json', not 'text/plain'");
        assertProblem(typed(routerA, "PUT", BASE + "/LLM/OllamaLLM/weight", "version=v2&weight=5",
            "application/x-www-form-urlencoded"), 400, "not valid JSON");
        // What curl -d sends without -H, and a body without any Content-Type, are read as the JSON they are.
        final String same = "{\"version\":\"v2\",\"weight\":" + weightOf(routerA, "v2") + "}";
        assertThat(typed(routerA, "PUT", BASE + "/LLM/OllamaLLM/weight", same, "application/x-www-form-urlencoded")
            .statusCode()).isEqualTo(200);
        assertThat(typed(routerA, "PUT", BASE + "/LLM/OllamaLLM/weight", same, null).statusCode()).isEqualTo(200);

        final String after = body(admin(routerA, "GET", BASE + "/LLM/OllamaLLM/grayscale", null)).toString();
        assertThat(withoutTimes(after)).isEqualTo(withoutTimes(before));
    }

    @Test
    @Order(3)
    void everyRouterConvergesOnAChangeWithinASecondAndARestartLosesNothing() throws Exception {
        admin(routerA, "PUT", BASE + "/LLM/OllamaLLM/weight", "{\"version\":\"v2\",\"weight\":25}");

        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20)).untilAsserted(() ->
            assertThat(weightOf(routerB, "v2")).isEqualTo(25));

        routerB.close();
        routerB = router("router-b");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(weightOf(routerB, "v2")).isEqualTo(25));
        assertThat(body(admin(routerB, "GET", BASE + "/LLM/OllamaLLM/grayscale", null)).path("data"))
            .isEqualTo(body(admin(routerA, "GET", BASE + "/LLM/OllamaLLM/grayscale", null)).path("data"));
        final JsonNode refreshed = body(admin(routerB, "POST", BASE + "/LLM/OllamaLLM/refresh", null)).path("data");
        assertThat(refreshed).as("refresh re-reads the topics and answers what the router now routes by")
            .isEqualTo(body(admin(routerA, "GET", BASE + "/LLM/OllamaLLM/grayscale", null)).path("data"));
        assertThat(refreshed.path("versions").valueStream().filter(v -> v.path("version").asString().equals("v2"))
            .map(v -> v.path("weight").asInt())).containsExactly(25);
    }

    @Test
    @Order(4)
    void keepsProviderSecretsWriteOnlyAndSendsThemOnlyToTheirProvider() throws Exception {
        v2.setKnobs(new Knobs(0, 0, 0, 500, false, 3, 0, SECRET));
        final HttpResponse<String> update = admin(routerA, "PUT", BASE + "/LLM/OllamaLLM/versions/v2",
            "{\"api_key\":\"" + SECRET + "\",\"weight\":100}");
        admin(routerA, "PUT", BASE + "/LLM/OllamaLLM/weight", "{\"version\":\"v1\",\"weight\":0}");

        assertThat(update.body()).doesNotContain(SECRET).contains("\"api_key\":\"********\"");
        assertThat(send(routerA, 20)).containsOnlyKeys("v2"); // v2 answers only with the key: it was delivered
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(send(routerB, 5)).containsOnlyKeys("v2"));
        for (final ConfigurableApplicationContext router : List.of(routerA, routerB)) {
            assertThat(admin(router, "GET", BASE + "/LLM/OllamaLLM/grayscale", null).body()).doesNotContain(SECRET);
            assertThat(admin(router, "GET", BASE + "/LLM/OllamaLLM/versions/v2", null).body()).doesNotContain(SECRET);
        }
        for (final String topic : List.of(Topics.PROVIDER_CONFIG, Topics.CONFIG_AUDIT, Topics.REQUEST_OUTCOMES)) {
            assertThat(rawRecords(topic)).as("records of %s", topic).noneMatch(r -> r.contains(SECRET));
        }
        final String logged = Files.readString(logs.resolve("router-a.log")) + Files.readString(logs.resolve("router-b.log"));
        assertThat(logged).as("everything both routers logged").contains("update_version").doesNotContain(SECRET);
        v2.setKnobs(FAST);
        admin(routerA, "PUT", BASE + "/LLM/OllamaLLM/weight", "{\"version\":\"v1\",\"weight\":50}");
        admin(routerA, "PUT", BASE + "/LLM/OllamaLLM/weight", "{\"version\":\"v2\",\"weight\":50}");
    }

    @Test
    @Order(5)
    void killingAVersionMidTrafficFailsNoClientRequest() throws Exception {
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger served = new AtomicInteger();
        final Map<String, Integer> attempts = new ConcurrentHashMap<>();
        final List<Future<?>> clients = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < 8; c++) {
                clients.add(pool.submit(() -> {
                    while (running.get()) {
                        final HttpResponse<String> response = chat(routerA);
                        (response.statusCode() == 200 ? served : failed).incrementAndGet();
                        attempts.merge(response.headers().firstValue("X-Switchboard-Attempts").orElse("?"), 1, Integer::sum);
                    }
                    return null;
                }));
            }
            await().until(() -> served.get() > 300);
            v1.setKnobs(new Knobs(0, 0, 0, 500, true, 3, 0)); // v1 dies under traffic
            final int atOutage = served.get();
            await().until(() -> served.get() > atOutage + 1_000);
            running.set(false);
            for (final Future<?> client : clients) {
                client.get();
            }
        }
        v1.setKnobs(FAST);

        assertThat(failed.get()).as("failed client requests").isZero();
        assertThat(attempts).containsKey("2"); // some requests were saved by failing over to v2
    }

    @Test
    @Order(6)
    void failsOverToTheFallbackProviderWhenEveryVersionFails() throws Exception {
        admin(routerA, "POST", BASE, "{\"category\":\"LLM\",\"name\":\"Backup\",\"version\":\"b1\",\"weight\":100,"
            + "\"is_default\":true,\"url\":\"http://127.0.0.1:" + backup.port() + "\",\"model_name\":\"backup-model\"}");
        admin(routerA, "PUT", BASE + "/LLM/OllamaLLM/strategy",
            "{\"strategy\":\"weight\",\"fallback_provider\":\"LLM/Backup\",\"max_attempts\":3}");
        v1.setKnobs(new Knobs(0, 0, 0, 500, true, 3, 0));
        v2.setKnobs(new Knobs(0, 0, 0, 500, true, 3, 0));
        try {
            final HttpResponse<String> response = chat(routerA);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("X-Switchboard-Version")).hasValue("b1");
            assertThat(response.headers().firstValue("X-Switchboard-Attempts")).hasValue("3");
            assertThat(body(response).path("model").asString()).isEqualTo("backup-model");
        } finally {
            v1.setKnobs(FAST);
            v2.setKnobs(FAST);
        }
    }

    @Test
    @Order(7)
    void deletingEveryVersionIsSeenByEveryRouterAndTheyCanBeCreatedAgain() throws Exception {
        admin(routerA, "PUT", BASE + "/LLM/OllamaLLM/strategy", "{\"strategy\":\"weight\"}");
        for (final String version : List.of("LLM/Backup/versions/b1", "LLM/OllamaLLM/versions/v2",
                "LLM/OllamaLLM/versions/v1")) {
            assertThat(admin(routerA, "DELETE", BASE + "/" + version, null).statusCode()).as(version).isEqualTo(204);
        }
        // The config topic is now empty: routers must not fall back to what they had (or to their start-up YAML).
        for (final ConfigurableApplicationContext router : List.of(routerA, routerB)) {
            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
                assertThat(admin(router, "GET", BASE + "/LLM/Backup/versions", null).statusCode()).isEqualTo(404);
                assertThat(admin(router, "GET", BASE + "/LLM/OllamaLLM/versions", null).statusCode()).isEqualTo(404);
            });
        }

        assertThat(admin(routerA, "POST", BASE, "{\"category\":\"LLM\",\"name\":\"Backup\",\"version\":\"b1\","
            + "\"weight\":100,\"url\":\"http://127.0.0.1:" + backup.port() + "\"}").statusCode()).isEqualTo(201);
    }

    /** Seed 000's four create bodies, as written there (its LLM versions point at a local Ollama). */
    private static final List<String> SEED_000_BODIES = List.of("""
        {
          "category": "LLM",
          "name": "OllamaLLM",
          "version": "v1",
          "weight": 70,
          "is_active": true,
          "is_default": true,
          "type": "ollama",
          "model_name": "llama2",
          "url": "http://localhost:11434",
          "temperature": 0.7,
          "max_tokens": 2048,
          "top_p": 0.9
        }""", """
        {
          "category": "LLM",
          "name": "OllamaLLM",
          "version": "v2",
          "weight": 30,
          "is_active": true,
          "is_default": false,
          "type": "ollama",
          "model_name": "llama2:13b",
          "url": "http://localhost:11434",
          "temperature": 0.8,
          "max_tokens": 4096,
          "top_p": 0.95
        }""", """
        {
          "category": "TTS",
          "name": "EdgeTTS",
          "version": "v1",
          "weight": 60,
          "is_active": true,
          "is_default": true,
          "type": "edge",
          "voice": "zh-CN-XiaoxiaoNeural",
          "format": "mp3",
          "output_dir": "./audio"
        }""", """
        {
          "category": "TTS",
          "name": "EdgeTTS",
          "version": "v2",
          "weight": 40,
          "is_active": true,
          "is_default": false,
          "type": "doubao",
          "voice": "xiaoyun",
          "format": "mp3",
          "output_dir": "./audio",
          "appid": "your_appid",
          "token": "your_token"
        }""");

    @Test
    @Order(8)
    void takesSeed000sFourBodiesVerbatimAndRoutesATtsVersionWithoutAUrlOnlyWhereItsTypeHasAnEndpoint()
        throws Exception {
        for (final String seedBody : SEED_000_BODIES) {
            final HttpResponse<String> created = admin(routerA, "POST", BASE, seedBody);
            System.out.println("POST " + BASE + " " + seedBody.replaceAll("\\s+", " ") + "\n  -> " + created.statusCode()
                + " " + created.body());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(created.body()).doesNotContain("your_appid", "your_token");
        }
        final JsonNode v2 = body(admin(routerA, "GET", BASE + "/TTS/EdgeTTS/versions/v2", null));
        assertThat(v2.toString()).contains("\"appid\":\"********\"", "\"token\":\"********\"", "xiaoyun")
            .doesNotContain("your_");
        assertThat(v2.path("data").has("url")).isFalse();

        // Router A has no endpoint for edge or doubao: both TTS versions are listed, not routable, and say why.
        final JsonNode onA = body(admin(routerA, "GET", BASE + "/TTS/EdgeTTS/versions", null)).path("data");
        assertThat(onA.valueStream().map(v -> v.path("routable").asBoolean())).containsExactly(false, false);
        assertThat(onA.get(0).path("not_routable_reason").asString())
            .contains("no url", "switchboard.routing.types.edge.url");
        final HttpResponse<String> refused = speech(routerA);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(body(refused).path("error").path("message").asString())
            .contains("switchboard.routing.types.edge.url", "switchboard.routing.types.doubao.url");

        // Router B has one for edge: v1 is routable there and serves every request; doubao's v2 still is not.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
            body(admin(routerB, "GET", BASE + "/TTS/EdgeTTS/versions", null)).path("data").valueStream()
                .map(v -> v.path("routable").asBoolean())).containsExactly(true, false));
        for (int i = 0; i < 20; i++) {
            final HttpResponse<String> spoken = speech(routerB);
            assertThat(spoken.statusCode()).as(spoken.body()).isEqualTo(200);
            assertThat(spoken.headers().firstValue("X-Switchboard-Version")).contains("v1");
            assertThat(spoken.body()).startsWith("ID3");
        }
        for (final String topic : List.of(Topics.PROVIDER_CONFIG, Topics.CONFIG_AUDIT)) {
            assertThat(rawRecords(topic)).as("records of %s", topic).noneMatch(r -> r.contains("your_"));
        }
    }

    @Test
    @Order(9)
    void pinsAVersionOutsideTheSplitNeverMovesItAndMarksItsOutcomesPinned() throws Exception {
        for (final String body : List.of(
                pinVersion("p1", 100, true, true, v1.port()), pinVersion("p2", 0, false, true, v2.port()),
                pinVersion("p3", 0, false, false, v2.port()))) {
            assertThat(admin(routerA, "POST", BASE, body).statusCode()).isEqualTo(201);
        }

        for (int i = 0; i < 20; i++) { // p2 takes no traffic of the split (weight 0); a pin reaches it anyway
            assertThat(pinned(routerA, "Pinned@p2", null).headers().firstValue("X-Switchboard-Version")).hasValue("p2");
            assertThat(pinned(routerA, "LLM/Pinned", "p2").headers().firstValue("X-Switchboard-Version"))
                .hasValue("p2");
        }
        assertThat(pinned(routerA, "Pinned", null).headers().firstValue("X-Switchboard-Version")).hasValue("p1");

        assertOpenAiError(pinned(routerA, "Pinned@p9", null), 404, "Version 'p9' of LLM/Pinned does not exist");
        assertOpenAiError(pinned(routerA, "Pinned@p3", null), 409, "Version p3 of LLM/Pinned is inactive");
        assertOpenAiError(pinned(routerA, "Pinned@p2", "p1"), 400, "pins version p2 but the X-Switchboard-Version");

        v2.setKnobs(new Knobs(0, 0, 0, 500, true, 3, 0)); // p2 fails: a pinned request stays on it
        final HttpResponse<String> failed = pinned(routerA, "Pinned@p2", null);
        v2.setKnobs(FAST);
        assertThat(failed.statusCode()).as(failed.body()).isEqualTo(503);
        assertThat(failed.headers().firstValue("X-Switchboard-Version")).hasValue("p2");
        assertThat(failed.headers().firstValue("X-Switchboard-Attempts")).hasValue("1");

        final String requestId = failed.headers().firstValue("X-Request-Id").orElseThrow();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            final List<RequestOutcome> onP2 = TestTopics.readCommitted(brokers, Topics.REQUEST_OUTCOMES,
                    EventSerdes.requestOutcome().deserializer()).stream()
                .filter(o -> o.getName().equals("Pinned") && o.getVersion().equals("p2")).toList();
            assertThat(onP2).hasSize(41).allMatch(o -> o.getSelectionReason() == SelectionReason.PINNED);
            assertThat(onP2).filteredOn(o -> o.getRequestId().equals(requestId)).singleElement()
                .satisfies(o -> assertThat(o.getStatus()).isEqualTo(OutcomeStatus.UPSTREAM_ERROR));
        });
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(Stream.of("router-a.log", "router-b.log")
                .flatMap(file -> readLines(logs.resolve(file))).map(JSON::readTree)
                .filter(line -> line.path("request_id").asString("").equals(requestId)))
            .singleElement().satisfies(line -> {
                assertThat(line.path("log").path("logger").asString()).isEqualTo("switchboard.requests");
                assertThat(line.path("provider").asString()).isEqualTo("LLM/Pinned");
                assertThat(line.path("version").asString()).isEqualTo("p2");
                assertThat(line.path("status").asInt()).isEqualTo(503);
                assertThat(line.path("outcome").asString()).isEqualTo("UPSTREAM_ERROR");
                assertThat(line.path("attempts").asInt()).isEqualTo(1);
            }));
    }

    @Test
    @Order(10)
    void pricesAVersionAuditsThePricesAndCostsItsOutcomesOnEveryRouter() throws Exception {
        final String priced = """
            {"category":"LLM","name":"Priced","version":"c1","weight":100,"is_default":true,"type":"openai",
             "url":"http://127.0.0.1:%d","model_name":"m",
             "prices":{"input_per_million_tokens":3,"output_per_million_tokens":15,"per_request":0.001}}
            """.formatted(v1.port());
        assertThat(admin(routerA, "POST", BASE, priced).statusCode()).isEqualTo(201);
        assertProblem(admin(routerA, "PUT", BASE + "/LLM/Priced/versions/c1", "{\"prices\":{\"per_request\":-2}}"),
            400, "price per_request must be a finite number of dollars, 0 or more, got -2.0");

        final JsonNode config = body(admin(routerA, "GET", BASE + "/LLM/Priced/grayscale", null)).path("data")
            .path("versions").get(0).path("config");
        assertThat(config.path("prices").path("output_per_million_tokens").asDouble()).isEqualTo(15.0);
        assertThat(config.has("input_per_million_tokens")).as("prices are not a parameter").isFalse();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThat(pinned(routerB, "Priced", null).statusCode()).as("router B applies it too").isEqualTo(200));
        for (int i = 0; i < 5; i++) {
            assertThat(pinned(routerA, "Priced", null).statusCode()).isEqualTo(200);
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            final List<RequestOutcome> outcomes = TestTopics.readCommitted(brokers, Topics.REQUEST_OUTCOMES,
                    EventSerdes.requestOutcome().deserializer()).stream()
                .filter(o -> o.getName().equals("Priced")).toList();
            assertThat(outcomes).hasSizeGreaterThanOrEqualTo(6)
                .extracting(RequestOutcome::getRouterInstance).contains("router-a", "router-b");
            assertThat(outcomes).allSatisfy(o -> {
                assertThat(o.getPromptTokens()).as("the simulator counts tokens").isPositive();
                assertThat(o.getCost()).isCloseTo(0.001 + o.getPromptTokens() * 3 / 1e6
                    + o.getCompletionTokens() * 15 / 1e6, within(1e-12));
            });
        });
        assertThat(rawRecords(Topics.CONFIG_AUDIT)).anyMatch(r -> r.contains("create_version")
            && r.contains("output_per_million_tokens"));
    }

    private static Stream<String> readLines(final Path file) {
        try {
            return Files.readAllLines(file).stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String pinVersion(final String version, final int weight, final boolean isDefault,
                                     final boolean active, final int port) {
        return """
            {"category":"LLM","name":"Pinned","version":"%s","weight":%d,"is_default":%s,"is_active":%s,
             "url":"http://127.0.0.1:%d"}""".formatted(version, weight, isDefault, active, port);
    }

    private static HttpResponse<String> pinned(final ConfigurableApplicationContext router, final String model,
                                               final String pinHeader) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base(router) + "/v1/chat/completions"))
            .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        if (pinHeader != null) {
            request.header("X-Switchboard-Version", pinHeader);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertOpenAiError(final HttpResponse<String> response, final int status, final String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(body(response).path("error").path("message").asString()).contains(message);
    }

    private static HttpResponse<String> speech(final ConfigurableApplicationContext router) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base(router) + "/v1/audio/speech"))
            .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"EdgeTTS\",\"input\":\"你好\"}"))
            .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, Integer> send(final ConfigurableApplicationContext router, final int requests)
        throws Exception {
        final Map<String, Integer> counts = new ConcurrentHashMap<>();
        final AtomicInteger next = new AtomicInteger();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            final List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 16; w++) {
                workers.add(pool.submit(() -> {
                    while (next.getAndIncrement() < requests) {
                        final HttpResponse<String> response = chat(router);
                        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                        counts.merge(response.headers().firstValue("X-Switchboard-Version").orElseThrow(), 1, Integer::sum);
                    }
                    return null;
                }));
            }
            for (final Future<?> worker : workers) {
                worker.get();
            }
        }
        return counts;
    }

    private static HttpResponse<String> chat(final ConfigurableApplicationContext router) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base(router) + "/v1/chat/completions"))
            .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(
                "{\"model\":\"OllamaLLM\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
            .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String version(final String version, final int weight, final boolean isDefault, final String type,
                                  final int port, final String model) {
        return """
            {"category":"LLM","name":"OllamaLLM","version":"%s","weight":%d,"is_active":true,"is_default":%s,
             "type":"%s","model_name":"%s","url":"http://127.0.0.1:%d","temperature":%s,"max_tokens":2048,"top_p":0.9}
            """.formatted(version, weight, isDefault, type, model, port, version.equals("v1") ? "0.7" : "0.8");
    }

    private static int weightOf(final ConfigurableApplicationContext router, final String version) throws Exception {
        for (final JsonNode v : body(admin(router, "GET", BASE + "/LLM/OllamaLLM/versions", null)).path("data")) {
            if (v.path("version").asString().equals(version)) {
                return v.path("weight").asInt();
            }
        }
        return -1;
    }

    private static List<String> auditActions() {
        return rawRecords(Topics.CONFIG_AUDIT).stream().map(r -> r.replaceAll("[^a-z_]", " ")).toList()
            .stream().flatMap(r -> List.of(r.split("\\s+")).stream()).distinct().toList();
    }

    private static List<String> rawRecords(final String topic) {
        return TestTopics.readCommitted(brokers, topic, new ByteArrayDeserializer()).stream()
            .map(value -> value == null ? "" : new String(value, StandardCharsets.ISO_8859_1)).toList();
    }

    private static String withoutTimes(final String json) {
        return json.replaceAll("\"(updated_at|created_at)\":\"[^\"]*\"", "");
    }

    private static void assertProblem(final HttpResponse<String> response, final int status, final String detail) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).contains("json");
        assertThat(body(response).path("detail").asString()).contains(detail);
    }

    private static JsonNode body(final HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> admin(final ConfigurableApplicationContext router, final String method,
                                              final String path, final String body) throws Exception {
        return adminRaw(router, method, path, body, ADMIN);
    }

    private static HttpResponse<String> adminRaw(final ConfigurableApplicationContext router, final String method,
                                                 final String path, final String body, final String token)
        throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base(router) + path))
            .header("Content-Type", "application/json")
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An admin call with the given Content-Type, or none at all. */
    private static HttpResponse<String> typed(final ConfigurableApplicationContext router, final String method,
                                              final String path, final String body, final String contentType)
        throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base(router) + path))
            .header("Authorization", "Bearer " + ADMIN)
            .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String base(final ConfigurableApplicationContext context) {
        return "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
    }
}
