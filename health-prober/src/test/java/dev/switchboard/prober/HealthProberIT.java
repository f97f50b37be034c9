package dev.switchboard.prober;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.common.kafka.CompactedTopicView;
import dev.switchboard.common.kafka.CompactedTopics;
import dev.switchboard.common.testing.ApiContract;
import dev.switchboard.common.testing.TestTopics;
import dev.switchboard.events.HealthEvent;
import dev.switchboard.events.ProviderVersion;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.Topics;
import dev.switchboard.simulator.Knobs;
import dev.switchboard.simulator.SimulatedProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two real probers on a real broker, probing simulated providers: seed 001's API as its curl examples call it,
 * a version in outage turning unhealthy and coming back, and the versions shared between the probers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HealthProberIT {

    private static final Logger log = LoggerFactory.getLogger(HealthProberIT.class);
    private static final String ADMIN = "it-admin-token";
    private static final String V1 = "LLM/Chat/v1";
    private static final String V2 = "LLM/Chat/v2";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient http = HttpClient.newHttpClient();

    private static String brokers;
    private static SimulatedProvider v1;
    private static SimulatedProvider v2;
    private static ConfigurableApplicationContext proberA;
    private static ConfigurableApplicationContext proberB;
    private static CompactedTopics views;
    private static CompactedTopicView<HealthEvent> health;

    @BeforeAll
    static void start() throws Exception {
        brokers = System.getProperty("spring.embedded.kafka.brokers");
        TestTopics.createAll(brokers);
        v1 = SimulatedProvider.start("v1", "127.0.0.1", 0, Knobs.defaults());
        v2 = SimulatedProvider.start("v2", "127.0.0.1", 0, Knobs.defaults());
        configure(V1, v1);
        configure(V2, v2);
        views = new CompactedTopics("it", () -> new KafkaConsumer<>(
            CompactedTopics.consumerConfig(Map.of("bootstrap.servers", brokers), "it-health"),
            new StringDeserializer(), new ByteArrayDeserializer())).start();
        health = views.view(Topics.PROVIDER_HEALTH, EventSerdes.healthEvent(), (key, event) -> { }).start();
        proberA = prober("prober-a");
        proberB = prober("prober-b");
    }

    private static ConfigurableApplicationContext prober(final String instance) {
        return HealthProberApplication.builder().run("--server.port=0",
            "--spring.kafka.bootstrap-servers=" + brokers,
            "--switchboard.prober.instance-id=" + instance,
            "--switchboard.prober.admin-token=" + ADMIN,
            "--switchboard.prober.probe-timeout=2s",
            "--switchboard.prober.stats-url=http://127.0.0.1:1"); // no stats-streams here: figures unknown
    }

    private static void configure(final String key, final SimulatedProvider upstream) throws Exception {
        final String[] parts = key.split("/");
        final Instant now = Instant.now();
        final ProviderVersion version = ProviderVersion.newBuilder().setCategory(parts[0]).setName(parts[1])
            .setVersion(parts[2]).setType("openai").setModelName("m").setUrl("http://127.0.0.1:" + upstream.port())
            .setWeight(50).setIsActive(true).setIsDefault(parts[2].equals("v1")).setCreatedAt(now).setUpdatedAt(now)
            .build();
        try (KafkaProducer<String, ProviderVersion> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers), new StringSerializer(),
                EventSerdes.providerVersion())) {
            producer.send(new ProducerRecord<>(Topics.PROVIDER_CONFIG, key, version)).get();
        }
    }

    @AfterAll
    static void stop() {
        for (final ConfigurableApplicationContext prober : List.of(proberA, proberB)) {
            if (prober.isActive()) {
                prober.close();
            }
        }
        views.close();
        v1.close();
        v2.close();
    }

    @Test
    @Order(1)
    void servesSeed001sHealthApiAsItsCurlExamplesCallIt() throws Exception {
        // The seed's "read config" and "change interval" examples, then a read on the other prober.
        assertThat(call(proberA, "GET", "/api/health-check/config", null).path("data").path("max_error_count").asInt())
            .isEqualTo(5);
        final JsonNode changed = call(proberA, "PUT", "/api/health-check/config",
            "{\"enabled\": true, \"interval_minutes\": 10, \"max_error_count\": 5, \"retry_after_hours\": 1}");
        assertThat(changed.path("code").asInt()).isEqualTo(200);
        assertThat(changed.path("data").path("interval_minutes").asInt()).isEqualTo(10);
        await().untilAsserted(() -> assertThat(call(proberB, "GET", "/api/health-check/config", null)
            .path("data").path("interval_minutes").asInt()).isEqualTo(10));

        // Every version is probed once when first seen, by whichever prober owns it.
        await().atMost(Duration.ofSeconds(20)).until(() -> health.get(V1).isPresent() && health.get(V2).isPresent());
        final JsonNode all = call(proberB, "GET", "/api/providers/health", null);
        assertThat(all.path("code").asInt()).isEqualTo(200);
        assertThat(all.path("data").findValuesAsString("provider_id")).containsExactly(V1, V2);
        final JsonNode first = all.path("data").get(0);
        assertThat(first.path("status").asString()).isEqualTo("healthy");
        assertThat(first.path("is_healthy").asBoolean()).isTrue();
        assertThat(first.path("error_count").asInt()).isZero();
        assertThat(first.path("consecutive_successes").asInt()).isEqualTo(1);
        assertThat(first.has("success_rate_24h") && first.has("total_requests_24h")).isTrue();

        final JsonNode one = call(proberA, "GET", "/api/providers/health/LLM/Chat/v2", null).path("data");
        assertThat(one.path("provider_name").asString()).isEqualTo("Chat");
        final JsonNode forced = call(proberA, "POST", "/api/health-check/force/LLM/Chat/v2", null).path("data");
        assertThat(forced.path("consecutive_successes").asInt()).isEqualTo(2);
        assertThat(Instant.parse(forced.path("last_validated_at").asString()))
            .isAfter(Instant.parse(one.path("last_validated_at").asString()));
    }

    @Test
    @Order(2)
    void refusesBadRequestsWithClearErrorsAndChangesNothing() throws Exception {
        final String before = call(proberA, "GET", "/api/health-check/config", null).path("data").toString();

        assertProblem(send(proberA, "PUT", "/api/health-check/config", "{\"max_error_count\": 1001}", ADMIN), 400,
            "'max_error_count' must be between 1 and 1000");
        assertProblem(send(proberA, "PUT", "/api/health-check/config", "{\"interval\": 5}", ADMIN), 400,
            "Unknown field 'interval'");
        assertProblem(send(proberA, "PUT", "/api/health-check/config", "{\"enabled\": \"yes\"}", ADMIN), 400,
            "'enabled' must be true or false");
        assertProblem(send(proberA, "PUT", "/api/health-check/config", "{\"enabled\": ", ADMIN), 400,
            "not valid JSON");
        assertProblem(send(proberA, "POST", "/api/health-check/force/LLM/Chat/v9", null, ADMIN), 404,
            "Unknown version 'LLM/Chat/v9'");
        assertThat(send(proberA, "GET", "/api/providers/health", null, "wrong").statusCode()).isEqualTo(401);

        assertThat(call(proberA, "GET", "/api/health-check/config", null).path("data").toString()).isEqualTo(before);
    }

    @Test
    @Order(3)
    void turnsAVersionInOutageUnhealthyAfterMaxErrorCountAndRetriesItAtItsRetryTime() throws Exception {
        call(proberA, "PUT", "/api/health-check/config",
            "{\"interval_seconds\": 1, \"max_error_count\": 3, \"retry_after_seconds\": 4}");
        final Instant outage = Instant.now();
        v2.setKnobs(new Knobs(0, 0, 0, 500, true, 1, 0));

        await().atMost(Duration.ofSeconds(20)).until(() -> health.get(V2).filter(e -> !e.getHealthy()).isPresent());
        final HealthEvent down = health.get(V2).orElseThrow();
        log.info("Outage to unhealthy event for {}: {} ms", V2, Duration.between(outage, down.getCheckedAt()).toMillis());
        assertThat(down.getConsecutiveFailures()).isEqualTo(3);
        assertThat(down.getHttpStatus()).isEqualTo(503);
        assertThat(down.getLastError()).contains("HTTP 503");
        assertThat(down.getNextRetryAt()).isEqualTo(down.getCheckedAt().plusSeconds(4));
        final JsonNode view = call(proberB, "GET", "/api/providers/health/LLM/Chat/v2", null).path("data");
        assertThat(view.path("status").asString()).isEqualTo("unhealthy");
        assertThat(view.path("health_score").asDouble()).isZero();

        v2.setKnobs(Knobs.defaults());
        await().atMost(Duration.ofSeconds(20)).until(() -> health.get(V2).filter(HealthEvent::getHealthy).isPresent());
        final HealthEvent back = health.get(V2).orElseThrow();
        assertThat(back.getCheckedAt()).as("retried at next_retry_at, not at the next interval")
            .isAfterOrEqualTo(down.getNextRetryAt());
        assertThat(back.getConsecutiveFailures()).isZero();
        assertThat(back.getLastSuccessAt()).isEqualTo(back.getCheckedAt());
    }

    @Test
    @Order(4)
    void sharesTheVersionsBetweenProbersAndTheOtherTakesOverWhenOneStops() {
        // Interval 1 s (from the test before). Probed once per interval between the two probers, not once each:
        // ten probes of v1 take nine intervals, where two probers each probing it would need half that.
        final long start = v1.apiCalls();
        final Instant from = Instant.now();
        await().atMost(Duration.ofSeconds(30)).until(() -> v1.apiCalls() >= start + 10);
        final Duration tenProbes = Duration.between(from, Instant.now());
        log.info("Ten probes of {} with two probers took {} ms", V1, tenProbes.toMillis());
        assertThat(tenProbes).isGreaterThanOrEqualTo(Duration.ofMillis(8_000));

        final String owner = health.get(V1).orElseThrow().getProberInstance();
        final ConfigurableApplicationContext stopping = owner.equals("prober-a") ? proberA : proberB;
        final String other = owner.equals("prober-a") ? "prober-b" : "prober-a";
        final Instant stopped = Instant.now();
        stopping.close();

        await().atMost(Duration.ofSeconds(30)).until(() -> health.get(V1)
            .filter(e -> e.getProberInstance().equals(other) && e.getCheckedAt().isAfter(stopped)).isPresent());
        log.info("{} took over {} {} ms after {} stopped", other, V1,
            Duration.between(stopped, health.get(V1).orElseThrow().getCheckedAt()).toMillis(), owner);
        await().atMost(Duration.ofSeconds(30)).until(() -> Optional.of(health.get(V2).orElseThrow())
            .filter(e -> e.getProberInstance().equals(other) && e.getCheckedAt().isAfter(stopped)).isPresent());
    }

    @Test
    @Order(5)
    void servesSeed001sApiAsItsCommittedOpenApiDescriptionSays() throws Exception {
        final ConfigurableApplicationContext prober = proberA.isActive() ? proberA : proberB;
        final ApiContract contract = ApiContract.of(send(prober, "GET", "/v3/api-docs", null, ADMIN).body());
        contract.assertCommittedAs(ApiContract.committed("health-prober"));
        assertThat(contract.fieldsOf("VersionHealthView")).contains("provider_id", "provider_name", "category",
            "version", "is_active", "status", "is_healthy", "health_score", "error_count", "last_error",
            "last_validated_at", "next_retry_at", "success_rate_24h", "total_requests_24h");
        assertThat(contract.fieldsOf("HealthCheckChange")).contains("enabled", "interval_minutes", "max_error_count",
            "retry_after_hours");

        final Map<ApiContract.Operation, String[]> calls = Map.of(
            new ApiContract.Operation("GET", "/api/providers/health"), new String[] {"/api/providers/health", null},
            new ApiContract.Operation("GET", "/api/providers/health/{category}/{name}/{version}"),
            new String[] {"/api/providers/health/" + V1, null},
            new ApiContract.Operation("GET", "/api/health-check/config"), new String[] {"/api/health-check/config", null},
            new ApiContract.Operation("PUT", "/api/health-check/config"),
            new String[] {"/api/health-check/config", "{\"max_error_count\": 4}"},
            new ApiContract.Operation("POST", "/api/health-check/force/{category}/{name}/{version}"),
            new String[] {"/api/health-check/force/" + V2, null});
        assertThat(calls.keySet()).as("every documented operation is called here").isEqualTo(contract.operations());
        for (final Map.Entry<ApiContract.Operation, String[]> call : calls.entrySet()) {
            final HttpResponse<String> answer = send(prober, call.getKey().method(), call.getValue()[0],
                call.getValue()[1], ADMIN);
            assertThat(answer.statusCode()).as(call.getKey() + ": " + answer.body()).isEqualTo(200);
            contract.assertAnswer(call.getKey(), 200, answer.body());
        }
    }

    private static JsonNode call(final ConfigurableApplicationContext prober, final String method, final String path,
                                 final String body) throws Exception {
        final HttpResponse<String> response = send(prober, method, path, body, ADMIN);
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> send(final ConfigurableApplicationContext prober, final String method,
                                             final String path, final String body, final String token)
        throws Exception {
        final int port = ((WebServerApplicationContext) prober).getWebServer().getPort();
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body))
            .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertProblem(final HttpResponse<String> response, final int status, final String detail) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(JSON.readTree(response.body()).path("detail").asString()).contains(detail);
    }
}
