package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.schemas.TopicSpec;
import dev.switchboard.schemas.Topics;
import dev.switchboard.simulator.Knobs;
import dev.switchboard.simulator.SimulatedProvider;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Issue 20's secrets search: a unique secret is set as a version's {@code api_key} (the simulators refuse calls
 * without it, so every answered call proves it was used), and every flow is driven: create, update, route, fail over,
 * probe, shadow, experiment, rollout, the experiment's report (a replay of the outcome topic). Then every log line of
 * the three services from the end of their start-up (each start sets Logback up anew), every record of every Switchboard topic (values, keys and headers) and every HTTP answer,
 * the exposed Actuator endpoints' included, is searched for it: none may hold it, and {@code env},
 * {@code configprops} and {@code heapdump} are not exposed.
 */
class SecretsSearchIT {

    private static final String SECRET = "sk-secret-search-" + UUID.randomUUID();
    private static final String ADMIN = "secrets-admin-" + UUID.randomUUID();
    private static final String CLIENT = "secrets-client-" + UUID.randomUUID();
    private static final String PROVIDER = "/api/system-configs/provider/LLM/Secrets";
    private static final Knobs NEEDS_KEY = new Knobs(1, 0.1, 0, 500, false, 4, 0, SECRET);

    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** The test's simulators are told the key they expect; they are not Switchboard services. */
    private static final LogWatch logs = new LogWatch(SECRET, "dev.switchboard.simulator");
    private static final List<String> answers = new CopyOnWriteArrayList<>();
    private static final List<SimulatedProvider> simulators = new ArrayList<>();
    private static ConfigurableApplicationContext stats;
    private static ConfigurableApplicationContext prober;
    private static ConfigurableApplicationContext router;

    @BeforeAll
    static void startEveryServiceAndDriveEveryFlow() throws Exception {
        stats = InJvmServices.stats("secrets", "--switchboard.stats.admin-token=" + ADMIN,
            "--switchboard.stats.rollouts.judge-every=1s");
        prober = InJvmServices.prober(stats, "--switchboard.prober.admin-token=" + ADMIN,
            "--switchboard.prober.interval=1s");
        router = InJvmServices.router(stats, prober, "--switchboard.security.client-keys=" + CLIENT,
            "--switchboard.security.admin-token=" + ADMIN);
        // Watched from here: each service's start sets Logback up anew, which drops appenders added before.
        logs.start();
        for (final String version : List.of("s1", "s2", "s3")) {
            final SimulatedProvider simulator = SimulatedProvider.start(version, "127.0.0.1", 0,
                version.equals("s3") ? new Knobs(1, 0.1, 1.0, 503, false, 4, 0, SECRET) : NEEDS_KEY);
            simulators.add(simulator);
            admin("POST", "/api/system-configs/provider", """
                {"category": "LLM", "name": "Secrets", "version": "%s", "type": "openai", "model_name": "m",
                 "url": "http://127.0.0.1:%d", "weight": %d, "is_active": true, "is_default": %s, "api_key": "%s"}
                """.formatted(version, simulator.port(), version.equals("s1") ? 60 : 20, version.equals("s1"), SECRET),
                201);
        }
        admin("PUT", PROVIDER + "/versions/s1", "{\"temperature\": 0.3, \"api_key\": \"" + SECRET + "\"}", 200);
        // Routed, and failed over from s3 (which answers 503 to everything) to the others.
        for (int i = 0; i < 40; i++) {
            chat("user-" + i);
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(admin("GET",
            "/api/providers/health/LLM/Secrets/s1", null, 200)).contains("\"health_score\""));
        admin("PUT", PROVIDER + "/shadow", "{\"candidate\": \"s2\", \"percentage\": 100}", 200);
        admin("POST", "/api/experiments", """
            {"experiment_name": "secrets", "provider": "LLM/Secrets", "model_a": "s1", "model_b": "s2",
             "traffic_split": {"model_a": 0.5, "model_b": 0.5}, "success_metric": "latency", "duration_days": 1}
            """, 201);
        for (int i = 0; i < 40; i++) {
            chat("experiment-user-" + i);
        }
        admin("POST", "/api/experiments/secrets/stop", null, 200);
        admin("PUT", PROVIDER + "/shadow", "{\"enabled\": false}", 200);
        admin("POST", "/api/rollouts", """
            {"rollout_id": "secrets", "provider": "LLM/Secrets", "candidate": "s2", "steps": [{"percentage": 50}]}
            """, 201);
        for (int i = 0; i < 20; i++) {
            chat("rollout-user-" + i);
        }
        admin("POST", "/api/rollouts/secrets/abort", "{\"reason\": \"secrets search\"}", 200);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(admin("GET",
            "/api/experiments/secrets/report", null, 200)).contains("secrets"));
    }

    @AfterAll
    static void stopEverything() {
        for (final ConfigurableApplicationContext service : new ConfigurableApplicationContext[] {router, prober,
            stats}) {
            if (service != null && service.isActive()) {
                service.close();
            }
        }
        simulators.forEach(SimulatedProvider::close);
        logs.stop();
    }

    @Test
    void shouldFindTheSecretNowhere() throws Exception {
        for (final String path : List.of(PROVIDER + "/versions", PROVIDER + "/versions/s1", PROVIDER + "/grayscale",
            PROVIDER + "/history", "/api/audit", "/api/audit?subject=LLM/Secrets", "/api/console/providers",
            "/api/console/session", "/api/experiments", "/api/experiments/secrets", "/api/experiments/secrets/results",
            "/api/rollouts", "/api/rollouts/secrets", "/api/proposals", "/api/models", "/api/alerts",
            "/api/providers/health", "/api/providers/health/LLM/Secrets/s1", "/api/health-check/config",
            "/api/stats/versions/recent", "/api/stats/providers/LLM/Secrets/daily", "/v3/api-docs")) {
            admin("GET", path, null, 200);
        }
        final List<String> actuators = new ArrayList<>();
        for (final ConfigurableApplicationContext service : List.of(stats, prober, router)) {
            final String base = LocalCalls.base(service);
            for (final String endpoint : List.of("", "/health", "/info", "/prometheus", "/metrics")) {
                final HttpResponse<String> answer = LocalCalls.send(http, "GET", base + "/actuator" + endpoint, null,
                    null);
                assertThat(answer.statusCode()).as(base + "/actuator" + endpoint).isEqualTo(200);
                answers.add(answer.body());
                actuators.add(base + "/actuator" + endpoint);
            }
            for (final String hidden : List.of("/env", "/configprops", "/heapdump", "/threaddump", "/loggers",
                "/beans", "/mappings")) {
                assertThat(LocalCalls.send(http, "GET", base + "/actuator" + hidden, null, ADMIN).statusCode())
                    .as(base + "/actuator" + hidden + " is not exposed").isEqualTo(404);
            }
        }

        final Map<String, Long> records = new TreeMap<>();
        final List<String> inTopics = searchTopics(records);
        final List<String> inAnswers = answers.stream().filter(body -> body.contains(SECRET)).toList();
        System.out.println("Secrets search: " + logs.seen() + " log lines of the three services, "
            + records.values().stream().mapToLong(Long::longValue).sum() + " records of " + records.size()
            + " topics " + records + ", " + answers.size() + " HTTP answers (" + actuators.size()
            + " Actuator ones); occurrences: logs " + logs.lines().size() + ", topics " + inTopics.size()
            + ", answers " + inAnswers.size());
        assertThat(records.get(Topics.REQUEST_OUTCOMES)).as("outcomes written").isPositive();
        assertThat(records.get(Topics.SHADOW_COMPARISONS)).as("shadow comparisons written").isPositive();
        assertThat(records.get(Topics.PROVIDER_HEALTH)).as("probes written").isPositive();
        assertThat(logs.seen()).as("log lines watched").isGreaterThan(100);
        assertThat(logs.lines()).as("log lines holding the secret").isEmpty();
        assertThat(inTopics).as("records holding the secret").isEmpty();
        assertThat(inAnswers).as("HTTP answers holding the secret").isEmpty();
    }

    /** Every record of every Switchboard topic, from the beginning: keys, values and headers. */
    private static List<String> searchTopics(final Map<String, Long> counted) {
        final byte[] secret = SECRET.getBytes(StandardCharsets.UTF_8);
        final List<String> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, System.getProperty("spring.embedded.kafka.brokers"),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted", ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                2000), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = new ArrayList<>();
            for (final TopicSpec topic : Topics.singleBroker()) {
                for (final PartitionInfo info : consumer.partitionsFor(topic.name())) {
                    partitions.add(new TopicPartition(info.topic(), info.partition()));
                }
                counted.put(topic.name(), 0L);
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            final AtomicLong polls = new AtomicLong();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p)) && polls.incrementAndGet() < 10_000) {
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    counted.merge(record.topic(), 1L, Long::sum);
                    boolean holds = contains(record.key(), secret) || contains(record.value(), secret);
                    for (final Header header : record.headers()) {
                        holds |= contains(header.value(), secret);
                    }
                    if (holds) {
                        found.add(record.topic() + "-" + record.partition() + "@" + record.offset());
                    }
                }
            }
        }
        return found;
    }

    private static boolean contains(final byte[] data, final byte[] wanted) {
        if (data == null) {
            return false;
        }
        outer:
        for (int i = 0; i + wanted.length <= data.length; i++) {
            for (int j = 0; j < wanted.length; j++) {
                if (data[i + j] != wanted[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static void chat(final String user) throws Exception {
        final HttpResponse<String> answer = http.send(LocalCalls.chatAs(LocalCalls.base(router), CLIENT, "Secrets",
            user), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as("a chat, the key delivered: %s", answer.body()).isEqualTo(200);
        answers.add(answer.body());
        answers.add(answer.headers().map().toString());
    }

    private static String admin(final String method, final String path, final String body, final int status)
        throws Exception {
        final HttpResponse<String> answer = LocalCalls.send(http, method, LocalCalls.base(router) + path, body,
            ADMIN);
        assertThat(answer.statusCode()).as("%s %s: %s", method, path, answer.body()).isEqualTo(status);
        answers.add(answer.body());
        answers.add(answer.headers().map().toString());
        return answer.body();
    }
}
