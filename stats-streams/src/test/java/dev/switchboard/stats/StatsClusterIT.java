package dev.switchboard.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.common.testing.ApiContract;
import dev.switchboard.common.testing.FreePorts;
import dev.switchboard.common.testing.TestTopics;
import dev.switchboard.events.Experiment;
import dev.switchboard.events.ExperimentArm;
import dev.switchboard.events.ExperimentMetric;
import dev.switchboard.events.ExperimentStatus;
import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.events.RequestOutcome;
import dev.switchboard.events.SelectionReason;
import dev.switchboard.events.ShadowComparison;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.Topics;
import dev.switchboard.stats.replay.Replay;
import dev.switchboard.stats.replay.ReplayCommand;
import java.io.IOException;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two stats-streams instances, each a process of its own running the real jar, on a real broker: either one
 * answers for every version (asking the other for the keys it does not hold), a kill -9 of one mid-stream
 * followed by a restart leaves every count exact, and a third joining and leaving under queries and load leaves
 * every query answered (or told to retry) and every count exact.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatsClusterIT {

    private static final Logger log = LoggerFactory.getLogger(StatsClusterIT.class);
    private static final String ADMIN = "cluster-it-admin";
    private static final int VERSIONS = 12;
    private static final String PROVIDER = "/api/stats/providers/LLM/Cluster/daily";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient http = HttpClient.newHttpClient();

    private static final Map<String, AtomicLong> produced = new ConcurrentHashMap<>();
    private static String brokers;
    private static String applicationId;
    private static KafkaProducer<String, RequestOutcome> producer;
    private static Instance a;
    private static Instance b;

    /** One stats-streams process, with its own port and state directory kept across restarts. */
    private static final class Instance {
        final String name;
        final int port;
        final Path stateDir;
        final Path log;
        Process process;

        Instance(final String name, final int port) throws IOException {
            this.name = name;
            this.port = port;
            this.stateDir = Files.createTempDirectory("stats-" + name);
            this.log = Files.createTempFile("stats-" + name, ".log");
        }

        void start() throws IOException {
            final String java = ProcessHandle.current().info().command().orElse("java");
            final ProcessBuilder builder = new ProcessBuilder(java, "-Xmx384m", "-XX:+UseSerialGC", "-jar",
                System.getProperty("switchboard.stats.exec-jar"),
                "--server.port=" + port,
                "--spring.kafka.bootstrap-servers=" + brokers,
                "--spring.kafka.streams.application-id=" + applicationId,
                "--spring.kafka.streams.state-dir=" + stateDir,
                // A killed instance's partitions move after this long, not the default 45 s.
                "--spring.kafka.streams.properties.session.timeout.ms=6000",
                "--spring.kafka.streams.properties.heartbeat.interval.ms=1500",
                "--switchboard.stats.admin-token=" + ADMIN)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().put("SWITCHBOARD_ADVERTISED_HOST", "127.0.0.1");
            process = builder.start();
        }

        void killHard() throws InterruptedException {
            process.destroyForcibly(); // SIGKILL: no clean shutdown, no commit, no leaving the group
            process.waitFor();
        }

        String base() {
            return "http://127.0.0.1:" + port;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        brokers = System.getProperty("spring.embedded.kafka.brokers");
        applicationId = "stats-cluster-it-" + UUID.randomUUID();
        TestTopics.createAll(brokers);
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
            ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
            new StringSerializer(), EventSerdes.requestOutcome().serializer());
        final List<Integer> ports = FreePorts.distinct(2);
        a = new Instance("a", ports.get(0));
        b = new Instance("b", ports.get(1));
        a.start();
        b.start();
        for (final Instance instance : List.of(a, b)) {
            await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() ->
                readyAndRunning(instance));
        }
    }

    /** Readiness, as a load balancer asks it: up only while the instance's streams are RUNNING. */
    private static boolean readyAndRunning(final Instance instance) throws Exception {
        final HttpResponse<String> readiness = get(instance, "/actuator/health/readiness", null);
        return readiness.statusCode() == 200 && readiness.body().contains("\"state\":\"RUNNING\"")
            && get(instance, "/actuator/health/liveness", null).statusCode() == 200;
    }

    @AfterAll
    static void stop() throws InterruptedException {
        for (final Instance instance : List.of(a, b)) {
            if (instance != null && instance.process != null) {
                instance.process.destroy();
                instance.process.waitFor();
            }
        }
        if (producer != null) {
            producer.close();
        }
    }

    @Test
    @Order(1)
    void eitherInstanceAnswersForEveryVersionTheSame() throws Exception {
        produce(1_200);

        awaitExactTotals();
        final Set<String> answeredBy = new HashSet<>();
        for (int v = 0; v < VERSIONS; v++) {
            final String path = daily(v);
            assertThat(data(a, path)).as("version %d from either instance", v).isEqualTo(data(b, path));
            answeredBy.add(get(a, path, ADMIN).headers().firstValue("X-Switchboard-Answered-By").orElseThrow());
        }
        assertThat(answeredBy).as("instance a answered some versions from b's stores")
            .containsExactlyInAnyOrder("127.0.0.1:" + a.port, "127.0.0.1:" + b.port);
    }

    @Test
    @Order(2)
    void eitherInstanceAnswersAProvidersVersionsSideBySideWithTheirTotals() throws Exception {
        awaitExactTotals();

        final JsonNode fromA = body(a, PROVIDER);
        final JsonNode fromB = body(b, PROVIDER);
        assertThat(fromA.path("versions")).isEqualTo(fromB.path("versions"));
        assertThat(fromA.path("totals")).isEqualTo(fromB.path("totals"));
        assertThat(fromA.path("versions")).hasSize(VERSIONS);
        assertThat(fromA.path("totals").path("total").path("total_requests").asLong()).isEqualTo(total());
        assertThat(fromA.path("answered_by").valueStream().map(JsonNode::asString))
            .as("both instances gave their share").hasSize(2);
        // The console's live view: every version's last hour, gathered from both instances' minute windows.
        for (final Instance instance : List.of(a, b)) {
            final JsonNode recent = body(instance, "/api/stats/versions/recent?minutes=60");
            assertThat(recent.path("versions").valueStream()
                .filter(version -> version.path("name").asString().equals("Cluster"))
                .mapToLong(version -> version.path("total_requests").asLong()).sum())
                .as("the last hour of every Cluster version, asked of one instance").isEqualTo(total());
            assertThat(recent.path("answered_by").valueStream().map(JsonNode::asString)).hasSize(2);
        }
        final JsonNode everything = body(b, "/api/stats/totals/daily");
        assertThat(everything.path("providers").valueStream()
            .filter(provider -> provider.path("name").asString().equals("Cluster"))
            .map(provider -> provider.path("total_requests").asLong()))
            .containsExactly(total());
    }

    @Test
    @Order(3)
    void eitherInstanceAnswersForAShadowPair() throws Exception {
        final int comparisons = 150;
        try (KafkaProducer<String, ShadowComparison> shadows = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers), new StringSerializer(),
                EventSerdes.shadowComparison().serializer())) {
            for (int i = 0; i < comparisons; i++) {
                shadows.send(new ProducerRecord<>(Topics.SHADOW_COMPARISONS, version(0), ShadowComparison.newBuilder()
                    .setRequestId("req-" + i).setEventTime(Instant.now()).setCategory("LLM").setName("Cluster")
                    .setBaselineVersion("v0").setCandidateVersion("v1")
                    .setBaselineStatus(OutcomeStatus.SUCCESS)
                    .setCandidateStatus(i % 10 == 0 ? OutcomeStatus.UPSTREAM_ERROR : OutcomeStatus.SUCCESS)
                    .setBaselineLatencyMs(100).setCandidateLatencyMs(100 + i % 50).setSimilarity(0.8)
                    .setRouterInstance("it").build()));
            }
        }
        final String pair = "/api/stats/shadow/LLM/Cluster/v0/candidates/v1/daily";

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
            .untilAsserted(() -> {
                for (final Instance instance : List.of(a, b)) {
                    final JsonNode total = body(instance, pair).path("total").path(0);
                    assertThat(total.path("comparisons").asLong()).isEqualTo(comparisons);
                    assertThat(total.path("candidate_error_rate").asDouble()).isEqualTo(0.1);
                    assertThat(total.path("similarity").path("histogram").path("0.8").asLong())
                        .isEqualTo(comparisons);
                }
            });
        assertThat(body(a, pair).path("data")).isEqualTo(body(b, pair).path("data"));
    }

    @Test
    @Order(4)
    void aKillDashNineMidStreamAndARestartLeaveEveryCountExact() throws Exception {
        final Thread load = Thread.ofVirtual().start(() -> produce(3_000));
        await().atMost(Duration.ofSeconds(30)).until(() -> total() >= 1_200 + 600);
        b.killHard();
        log.info("Killed instance b (-9) with {} of 4,200 outcomes produced", total());
        // Until the group notices b is gone, its partitions have no one to answer for them: a says so rather
        // than answer a provider total with those partitions missing.
        final HttpResponse<String> meanwhile = get(a, PROVIDER, ADMIN);
        assertThat(meanwhile.statusCode()).as(meanwhile.body()).isEqualTo(503);
        assertThat(meanwhile.headers().firstValue("Retry-After")).isPresent();
        assertThat(JSON.readTree(meanwhile.body()).path("retryable").asBoolean()).isTrue();
        load.join();
        b.start();
        await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() ->
            readyAndRunning(b));

        awaitExactTotals();
        log.info("After the kill and restart, both instances answer every version's exact total: {}", produced);
    }

    @Test
    @Order(5)
    void aReplayOfTheDayEqualsWhatTheLiveStoresAnswer() throws Exception {
        final Instant today = LocalDate.now(ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant();
        final Replay.Report report;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            report = Replay.run(consumer, new Replay.Selection.OfProvider("LLM/Cluster"), today,
                today.plus(Duration.ofDays(1)));
        }
        final JsonNode replayed = JSON.readTree(JSON.writeValueAsString(ReplayCommand.toJson(report)));

        assertThat(replayed.path("records_read").asLong()).isEqualTo(total());
        assertThat(replayed.path("groups").propertyNames()).hasSize(VERSIONS);
        for (int v = 0; v < VERSIONS; v++) {
            assertThat(replayed.path("groups").path(version(v)).path("data"))
                .as("replayed day of version %d against the live answer", v).isEqualTo(data(a, daily(v)));
        }
    }

    @Test
    @Order(6)
    void aPoisonRecordLandsInTheDeadLetterTopicWithItsReasonAndCountingGoesOn() throws Exception {
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                brokers), new StringSerializer(), new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(Topics.REQUEST_OUTCOMES, version(0), "not an outcome".getBytes())).get();
        }
        produce(120);

        awaitExactTotals();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers, ConsumerConfig.GROUP_ID_CONFIG, "it-dlq",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.DEAD_LETTERS));
            final List<ConsumerRecord<String, byte[]>> letters = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(letters::add);
                return !letters.isEmpty();
            });
            final ConsumerRecord<String, byte[]> letter = letters.get(0);
            assertThat(new String(letter.value())).isEqualTo("not an outcome");
            assertThat(new String(letter.headers().lastHeader("__streams.errors.topic").value()))
                .isEqualTo(Topics.REQUEST_OUTCOMES);
            assertThat(new String(letter.headers().lastHeader("__streams.errors.message").value())).isNotBlank();
            log.info("Dead letter for a poison outcome, with reason: {}",
                new String(letter.headers().lastHeader("__streams.errors.exception").value()));
        }
        // Counted where operators look: Kafka Streams' dropped-records metric, through /actuator/prometheus. A task's
        // meters are bound on the next refresh after the task is created, every 10 s (Micrometer's default is 60 s).
        await().atMost(Duration.ofSeconds(25)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
            .until(() -> droppedRecords(a) + droppedRecords(b) >= 1);
    }

    @Test
    @Order(7)
    void eitherInstanceAnswersAnExperimentsResultsFromItsArmsOnTheRealBroker() throws Exception {
        final Instant now = Instant.now();
        try (KafkaProducer<String, Experiment> definitions = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers), new StringSerializer(),
                EventSerdes.experiment().serializer())) {
            definitions.send(new ProducerRecord<>(Topics.EXPERIMENTS, "cluster-ab", Experiment.newBuilder()
                .setName("cluster-ab").setCategory("LLM").setProvider("Cluster")
                .setArms(List.of(new ExperimentArm("model_a", "v0", 0.5), new ExperimentArm("model_b", "v1", 0.5)))
                .setSuccessMetric(ExperimentMetric.SUCCESS_RATE).setMinimumSample(100L).setDurationDays(7)
                .setStatus(ExperimentStatus.RUNNING).setSalt("it").setCreatedBy("it")
                .setCreatedAt(now).setUpdatedAt(now).setStartedAt(now).build())).get();
        }
        final int perArm = 600;
        for (int i = 0; i < perArm; i++) {
            sendArmOutcome(0, "model_a", i % 10 != 0, now);  // 10% errors
            sendArmOutcome(1, "model_b", i % 4 != 0, now);   // 25% errors
        }
        producer.flush();
        final String results = "/api/experiments/cluster-ab/results";

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
            .untilAsserted(() -> {
                for (final Instance instance : List.of(a, b)) {
                    final JsonNode answer = body(instance, results);
                    assertThat(answer.path("arms").path(0).path("samples").asLong()).isEqualTo(perArm);
                    assertThat(answer.path("arms").path(1).path("samples").asLong()).isEqualTo(perArm);
                }
            });
        final JsonNode fromA = body(a, results);
        assertThat(fromA.path("arms")).isEqualTo(body(b, results).path("arms"));
        assertThat(fromA.path("verdict").asString()).isEqualTo("candidate_worse");
        assertThat(fromA.path("is_significant").asBoolean()).isTrue();
        assertThat(fromA.path("sample_ratio").path("mismatch").asBoolean()).isFalse();
        assertThat(fromA.path("comparisons").path(0).path("test").asString()).isEqualTo("two_proportion_z");
        assertThat(get(a, "/api/experiments/nobody/results", ADMIN).statusCode()).isEqualTo(404);
        log.info("Experiment results from the real pipeline: {}", fromA.path("comparisons").path(0));
    }

    @Test
    @Order(8)
    void servesEveryOperationOfItsCommittedOpenApiDescription() throws Exception {
        final ApiContract contract = ApiContract.of(get(a, "/v3/api-docs", ADMIN).body());
        contract.assertCommittedAs(ApiContract.committed("stats-streams"));
        final Map<String, String> paths = new TreeMap<>(Map.ofEntries(
            Map.entry("/api/stats/providers/{category}/{name}/versions/{version}/daily", daily(1)),
            Map.entry("/api/stats/providers/{category}/{name}/versions/{version}/minutes",
                "/api/stats/providers/LLM/Cluster/versions/v1/minutes"),
            Map.entry("/api/stats/providers/{category}/{name}/versions/{version}/last-24h",
                "/api/stats/providers/LLM/Cluster/versions/v1/last-24h"),
            Map.entry("/api/stats/providers/{category}/{name}/daily", PROVIDER),
            Map.entry("/api/stats/totals/daily", "/api/stats/totals/daily"),
            Map.entry("/api/stats/versions/recent", "/api/stats/versions/recent?minutes=60"),
            Map.entry("/api/stats/shadow/{category}/{name}/{baseline}/daily", "/api/stats/shadow/LLM/Cluster/v0/daily"),
            Map.entry("/api/stats/shadow/{category}/{name}/{baseline}/candidates/{candidate}/daily",
                "/api/stats/shadow/LLM/Cluster/v0/candidates/v1/daily"),
            Map.entry("/api/experiments/{name}/results", "/api/experiments/cluster-ab/results"),
            Map.entry("/api/experiments/{name}/report", "/api/experiments/cluster-ab/report"),
            Map.entry("/api/experiments/{name}/decisions", "/api/experiments/cluster-ab/decisions"),
            Map.entry("/api/experiments/{name}/decisions/replay", "/api/experiments/cluster-ab/decisions/replay"),
            Map.entry("/api/rollouts/{id}/canary", "/api/rollouts/none/canary")));
        assertThat(paths.keySet().stream().map(path -> new ApiContract.Operation("GET", path)).toList())
            .as("every documented operation is called here").containsExactlyInAnyOrderElementsOf(contract.operations());
        for (final Map.Entry<String, String> path : paths.entrySet()) {
            final HttpResponse<String> answer = get(b, path.getValue(), ADMIN);
            final ApiContract.Operation operation = new ApiContract.Operation("GET", path.getKey());
            if (path.getKey().equals("/api/rollouts/{id}/canary")) { // no rollout here: a problem that says so
                assertThat(answer.statusCode()).as(operation + ": " + answer.body()).isEqualTo(404);
                continue;
            }
            assertThat(answer.statusCode()).as(operation + ": " + answer.body()).isEqualTo(200);
            contract.assertAnswer(operation, 200, answer.body());
        }
    }

    private static void sendArmOutcome(final int version, final String arm, final boolean success,
                                       final Instant at) {
        producer.send(new ProducerRecord<>(Topics.REQUEST_OUTCOMES, version(version), RequestOutcome.newBuilder()
            .setRequestId("req-" + UUID.randomUUID()).setEventTime(at)
            .setCategory("LLM").setName("Cluster").setVersion("v" + version).setModelName("m")
            .setSelectionReason(SelectionReason.EXPERIMENT).setExperiment("cluster-ab").setArm(arm)
            .setStatus(success ? OutcomeStatus.SUCCESS : OutcomeStatus.UPSTREAM_ERROR)
            .setHttpStatus(success ? 200 : 503).setLatencyMs(100).setStreamed(false).setAttempt(1)
            .setRouterInstance("it").build()));
        produced.computeIfAbsent(version(version), key -> new AtomicLong()).incrementAndGet();
    }

    @Test
    @Order(9)
    void shouldAnswerEveryQueryWhileAThirdInstanceJoinsAndLeavesAndKeepEveryCountExact() throws Exception {
        final Instance c = new Instance("c", FreePorts.any());
        final Queue<String> refused = new ConcurrentLinkedQueue<>();
        final AtomicLong answered = new AtomicLong();
        final AtomicLong retryLater = new AtomicLong();
        final AtomicBoolean querying = new AtomicBoolean(true);
        final List<Instance> asked = new CopyOnWriteArrayList<>(List.of(a, b));
        // Queries all along, to every instance up: each answers 200, or 503 with Retry-After while the
        // partitions it needs are moving; anything else is a failure the client could not have handled.
        final Thread queries = Thread.ofVirtual().start(() -> {
            int i = 0;
            while (querying.get()) {
                final Instance instance = asked.get(i % asked.size());
                final String path = i % 2 == 0 ? PROVIDER : daily(i % VERSIONS);
                i++;
                try {
                    final HttpResponse<String> answer = get(instance, path, ADMIN);
                    if (answer.statusCode() == 200) {
                        answered.incrementAndGet();
                    } else if (answer.statusCode() == 503 && answer.headers().firstValue("Retry-After").isPresent()) {
                        retryLater.incrementAndGet();
                    } else {
                        refused.add(instance.name + " " + path + ": " + answer.statusCode() + " " + answer.body());
                    }
                } catch (Exception e) {
                    refused.add(instance.name + " " + path + ": " + e);
                }
            }
        });
        final Thread load = Thread.ofVirtual().start(() -> produce(2_400));
        try {
            c.start();
            await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() -> readyAndRunning(c));
            asked.add(c);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> get(c, PROVIDER, ADMIN).statusCode() == 200);
            final long answeredWithThree = answered.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> answered.get() >= answeredWithThree + 20);
            asked.remove(c);
            c.process.destroy(); // a clean scale-in: SIGTERM, the instance leaves the group
            assertThat(c.process.waitFor(60, TimeUnit.SECONDS)).as("instance c stopped").isTrue();
            load.join();
            awaitExactTotals();
        } finally {
            querying.set(false);
            queries.join();
            c.process.destroyForcibly();
        }
        log.info("Scaled 2 -> 3 -> 2 under queries: {} answered, {} asked to retry (503 with Retry-After), {} otherwise",
            answered.get(), retryLater.get(), refused.size());
        assertThat(refused).as("answers other than 200 or a retryable 503").isEmpty();
        assertThat(answered.get()).isPositive();
    }

    private static double droppedRecords(final Instance instance) throws Exception {
        return get(instance, "/actuator/prometheus", null).body().lines()
            .filter(line -> line.startsWith("kafka_stream_task_dropped_records_total{"))
            .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
            .sum();
    }

    private static void awaitExactTotals() {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
            .untilAsserted(() -> {
                for (final Instance instance : List.of(a, b)) {
                    for (int v = 0; v < VERSIONS; v++) {
                        assertThat(data(instance, daily(v)).path(0).path("total_requests").asLong())
                            .as("version %d from %s", v, instance.name).isEqualTo(produced.get(version(v)).get());
                    }
                }
            });
    }

    private static void produce(final int count) {
        final Instant now = Instant.now();
        for (int i = 0; i < count; i++) {
            final int v = i % VERSIONS;
            final RequestOutcome outcome = RequestOutcome.newBuilder()
                .setRequestId("req-" + UUID.randomUUID()).setEventTime(now)
                .setCategory("LLM").setName("Cluster").setVersion("v" + v).setModelName("m")
                .setSelectionReason(SelectionReason.WEIGHT).setStatus(OutcomeStatus.SUCCESS).setHttpStatus(200)
                .setLatencyMs(10 + i % 90).setStreamed(false).setAttempt(1).setRouterInstance("it")
                .build();
            producer.send(new ProducerRecord<>(Topics.REQUEST_OUTCOMES, version(v), outcome));
            produced.computeIfAbsent(version(v), key -> new AtomicLong()).incrementAndGet();
            if (i % 100 == 99) {
                producer.flush(); // a steady stream rather than one burst, so the kill lands mid-stream
            }
        }
        producer.flush();
    }

    private static long total() {
        return produced.values().stream().mapToLong(AtomicLong::get).sum();
    }

    private static String version(final int v) {
        return "LLM/Cluster/v" + v;
    }

    private static String daily(final int v) {
        return "/api/stats/providers/LLM/Cluster/versions/v" + v + "/daily";
    }

    private static JsonNode data(final Instance instance, final String path) throws Exception {
        return body(instance, path).path("data");
    }

    private static JsonNode body(final Instance instance, final String path) throws Exception {
        final HttpResponse<String> response = get(instance, path, ADMIN);
        assertThat(response.statusCode()).as("%s %s: %s", instance.name, path, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> get(final Instance instance, final String path, final String token)
        throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(instance.base() + path))
            .timeout(Duration.ofSeconds(10)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

}
