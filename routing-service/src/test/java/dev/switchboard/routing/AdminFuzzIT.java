package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.testing.FuzzedInputs;
import dev.switchboard.common.testing.TestTopics;
import dev.switchboard.events.ConfigChange;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.Topics;
import dev.switchboard.simulator.Knobs;
import dev.switchboard.simulator.SimulatedProvider;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fuzzed input against every admin endpoint of the router (found from its own request mappings) and its OpenAI front
 * door, with property-based tests (jqwik): malformed and truncated JSON, wrong types, huge numbers, deep nesting,
 * oversized bodies, odd Unicode, {@code ..} and {@code %2F} in path segments, bad query parameters. Every answer is
 * below 500 and a JSON body that says what is wrong, and the configuration is unchanged: this router wrote nothing to
 * the audit topic. The relayed paths (stats-streams' and the prober's APIs) are fuzzed at those services.
 */
class AdminFuzzIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ADMIN = "fuzz-admin";
    private static final String INSTANCE = "fuzz";
    /** The relay forwards these to stats-streams and the prober, which answer for themselves. */
    private static final List<String> RELAYED = List.of("/api/providers/health", "/api/health-check", "/api/stats",
        "/api/experiments/{name}/results", "/api/experiments/{name}/report", "/api/experiments/{name}/decisions",
        "/api/experiments/{name}/decisions/replay");
    private static final FuzzedInputs.Tally TALLY = new FuzzedInputs.Tally();

    private static SimulatedProvider upstream;
    private static TestRouter router;
    private static List<TestRouter.Endpoint> endpoints;
    private static long auditedBefore;

    @BeforeContainer
    static void start() throws Exception {
        TestTopics.createAll(System.getProperty("spring.embedded.kafka.brokers"));
        upstream = SimulatedProvider.start("fuzz", "127.0.0.1", 0, new Knobs(0, 0, 0, 500, false, 3, 0));
        router = TestRouter.start(INSTANCE, ADMIN, "--switchboard.routing.max-request-size=1MB");
        final HttpResponse<String> created = router.call("POST", "/api/system-configs/provider", """
            {"category": "LLM", "name": "FuzzLLM", "version": "f1", "type": "openai", "model_name": "m",
             "url": "http://127.0.0.1:%d", "weight": 100, "is_active": true, "is_default": true}
            """.formatted(upstream.port()));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        // The relayed paths are fuzzed at the services that answer them; the front door's routes are Netty's own.
        endpoints = new ArrayList<>(router.endpoints().stream()
            .filter(e -> e.pattern().startsWith("/api/") && RELAYED.stream().noneMatch(e.pattern()::startsWith))
            .toList());
        endpoints.add(new TestRouter.Endpoint("POST", "/v1/chat/completions"));
        endpoints.add(new TestRouter.Endpoint("POST", "/v1/completions"));
        endpoints.add(new TestRouter.Endpoint("POST", "/v1/embeddings"));
        endpoints.add(new TestRouter.Endpoint("GET", "/v1/models/{id}"));
        auditedBefore = auditedByThisRouter();
    }

    @AfterContainer
    static void stop() throws Exception {
        try {
            TALLY.reportAndCheck(endpoints.stream().map(TestRouter.Endpoint::toString).toList());
            assertThat(auditedByThisRouter()).as("audit records this router wrote while fuzzed: none")
                .isEqualTo(auditedBefore);
        } finally {
            router.close();
            upstream.close();
        }
    }

    @Property(tries = 1500)
    void shouldAnswerAFuzzedBodyWithAClearErrorAndNo5xx(@ForAll("endpoints") final TestRouter.Endpoint endpoint,
        @ForAll @From(supplier = FuzzedInputs.PathSegments.class) final String segment, @ForAll("bodies") final String body) throws Exception {
        check(endpoint, TestRouter.path(endpoint.pattern(), segment), body);
    }

    @Property(tries = 600)
    void shouldAnswerFuzzedPathsAndQueriesWithAClearErrorAndNo5xx(
        @ForAll("endpoints") final TestRouter.Endpoint endpoint, @ForAll @From(supplier = FuzzedInputs.PathSegments.class) final String segment, @ForAll @From(supplier = FuzzedInputs.QueryValues.class) final String query) throws Exception {
        final String separator = "?limit=%s&minutes=%s&status=%s&provider=%s&archived=%s&state=%s".formatted(
            query, query, query, query, query, query);
        check(endpoint, TestRouter.path(endpoint.pattern(), segment) + separator, "{}");
    }

    @Provide
    Arbitrary<TestRouter.Endpoint> endpoints() {
        return Arbitraries.of(endpoints);
    }

    /** Bodies that no endpoint may take, with the router's field names given values of the wrong kinds. */
    @Provide
    Arbitrary<String> bodies() {
        return FuzzedInputs.bodies(List.of("version", "weight", "strategy", "category", "name", "percentage",
                "rollout", "provider", "stage", "tags", "at", "change_id", "max_weight_step", "approval_for",
                "request_id", "score", "metric", "threshold", "kind", "url", "secret", "candidate", "baseline", "steps",
                "gates", "model", "messages", "input", "experiment_name", "traffic_split", "is_default"),
            "{\"model\": \"FuzzLLM\", \"messages\": \"hi\"}");
    }

    private static void check(final TestRouter.Endpoint endpoint, final String path, final String body)
        throws Exception {
        final boolean frontDoor = path.startsWith("/v1/");
        final HttpResponse<String> answer = frontDoor
            ? router.callAs(INSTANCE + "-key", endpoint.method(), path, body)
            : router.call(endpoint.method(), path, body);
        TALLY.answered(endpoint.toString(), answer.statusCode());
        assertThat(answer.statusCode()).as("%s %s with %s: %s", endpoint.method(), FuzzedInputs.abbreviated(path),
            FuzzedInputs.abbreviated(body), FuzzedInputs.abbreviated(answer.body())).isLessThan(500);
        if (answer.statusCode() >= 400) {
            final JsonNode error = JSON.readTree(answer.body());
            final String says = frontDoor ? error.path("error").path("message").asString()
                : error.path("detail").asString();
            assertThat(says).as("what %s %s says is wrong (%d): %s", endpoint.method(), FuzzedInputs.abbreviated(path),
                answer.statusCode(), FuzzedInputs.abbreviated(answer.body())).isNotBlank();
        }
    }

    /** How many audit records this router has written, read from the topic itself. */
    private static long auditedByThisRouter() {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, System.getProperty("spring.embedded.kafka.brokers"),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
            new StringDeserializer(), new ByteArrayDeserializer())) {
            final TopicPartition partition = new TopicPartition(Topics.CONFIG_AUDIT, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            final long end = consumer.endOffsets(List.of(partition)).get(partition);
            long count = 0;
            while (consumer.position(partition) < end) {
                for (final ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    final ConfigChange change = EventSerdes.configChange().deserializer().deserialize(record.topic(),
                        record.value());
                    count += change.getRouterInstance().equals(INSTANCE) ? 1 : 0;
                }
            }
            return count;
        }
    }
}
