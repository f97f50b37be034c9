import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.events.RequestOutcome;
import dev.switchboard.events.SelectionReason;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.Topics;
import dev.switchboard.stats.daily.DailyStats;
import dev.switchboard.stats.daily.DailyStatsTopology;
import dev.switchboard.stats.rollout.RolloutTopology;
import dev.switchboard.stats.canary.CanaryJudge;
import dev.switchboard.stats.topology.StatsTopology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * The stats-streams benchmark (bench/stats/run.sh runs it): loads N synthetic outcomes, then measures, in the same
 * run and on the same topic, a minimal keyed-count Kafka Streams app and the full stats topology, both with
 * exactly_once_v2 and the app's commit interval; then the full topology's outcome-to-queryable latency under a
 * steady load. Prints a Markdown report.
 *
 * Usage: java -cp ... StatsBench.java BOOTSTRAP N STATE_DIR [ROUNDS]
 */
public final class StatsBench {

    /** How many versions the outcomes are spread over ({@code -Dbench.versions}, default 200). */
    private static final int VERSIONS = Integer.getInteger("bench.versions", 200);
    /**
     * The share of outcomes that go to one hot version, v0 ({@code -Dbench.skew}, default 0: uniform): keyed by
     * version, they all land on one partition and so one stream task.
     */
    private static final double SKEW = Double.parseDouble(System.getProperty("bench.skew", "0"));
    /**
     * Kafka Streams' {@code max.task.idle.ms} for both apps ({@code -Dbench.taskIdleMs}; unset: Kafka Streams' default,
     * which the app keeps). -1 skips the readiness check of tasks that read more than one partition, which the full
     * topology's joined sub-topologies pay on every turn of the stream thread and the minimal app never does.
     */
    private static final String TASK_IDLE_MS = System.getProperty("bench.taskIdleMs");

    public static void main(final String[] args) throws Exception {
        final String brokers = args[0];
        final long count = Long.parseLong(args[1]);
        final Path stateDir = Path.of(args[2]);
        final Instant start = Instant.now();

        final int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        final double loadRate = load(brokers, count);
        // Alternating rounds and the median of their ratios: this machine's speed drifts by a third from minute to
        // minute, and a ratio of two runs made seconds apart drifts much less than either figure.
        final List<Double> ratios = new ArrayList<>();
        final List<String> rows = new ArrayList<>();
        Run full = null;
        // Round 0 warms the JIT up for both apps and is not counted: whichever app ran first would otherwise run
        // on colder code than the other.
        for (int round = 0; round <= rounds; round++) {
            final Run minimal = measure(brokers, count, stateDir, "minimal-" + round, StatsBench::minimalCount);
            full = measure(brokers, count, stateDir, "full-" + round, StatsBench::fullTopology);
            rows.add(String.format("| %s | %,.0f | %,.0f | %.2f |", round == 0 ? "0 (warm-up, not counted)"
                : Integer.toString(round), minimal.rate(), full.rate(), full.rate() / minimal.rate()));
            if (round > 0) {
                ratios.add(full.rate() / minimal.rate());
            }
        }
        final List<Long> latencies = queryableLatency(brokers, stateDir, full.rate() / 4);

        final double ratio = median(ratios);
        final long p50 = percentile(latencies, 0.50);
        final long p99 = percentile(latencies, 0.99);
        System.out.printf("%n# Stats benchmark, %s%n%n", start);
        System.out.printf("%,d synthetic outcomes over %,d versions%s, 6 partitions, loaded at %,.0f/s; both apps "
            + "exactly_once_v2, commit.interval.ms 100, one stream thread, broker in its own process; a warm-up "
            + "round and %d rounds, each the minimal app then the full topology (the stats-streams app's: daily, minutes, late, "
            + "experiments, shadow) from the topic's start.%n%n", count, VERSIONS, SKEW > 0 ? String.format(" (%.0f%% on one of them)", SKEW * 100) : "",
            loadRate, rounds);
        if (TASK_IDLE_MS != null) {
            System.out.printf("Both apps with max.task.idle.ms %s (the app runs with Kafka Streams' default).%n%n",
                TASK_IDLE_MS);
        }
        System.out.println("| round | minimal keyed count (outcomes/s) | full topology (outcomes/s) | ratio |");
        System.out.println("| --- | --- | --- | --- |");
        rows.forEach(System.out::println);
        System.out.println();
        System.out.println("| measure | result | target | status |");
        System.out.println("| --- | --- | --- | --- |");
        System.out.printf("| throughput ratio, median of the rounds | %.2f | >= 0.9 | %s |%n", ratio,
            ratio >= 0.9 ? "met" : "MISSED");
        System.out.printf("| outcome to queryable, under %,.0f outcomes/s (ms) | p50 %d, p99 %d (%d probes) "
            + "| p99 <= 500 | %s |%n", full.rate() / 4, p50, p99, latencies.size(), p99 <= 500 ? "met" : "MISSED");
    }

    private static double median(final List<Double> values) {
        final List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        final int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** The stats-streams app's topology, built by the one method the app and its tests build it with. */
    private static void fullTopology(final StreamsBuilder builder) {
        StatsTopology.build(builder, new StatsTopology.Settings(
            new DailyStatsTopology.Windows(Duration.ofHours(6), Duration.ofDays(400), Duration.ofDays(3)),
            new RolloutTopology.Settings(Duration.ofSeconds(5), Duration.ofMinutes(1), CanaryJudge.defaults(),
                "bench"), Clock.systemUTC(), Duration.ofSeconds(10), BuiltInDslStoreSuppliers.ROCKS_DB));
    }

    private record Run(double rate, Duration took) {
    }

    /** The reference: what Kafka Streams does at the least per record, a count per key, no decoding. */
    private static void minimalCount(final StreamsBuilder builder) {
        builder.stream(Topics.REQUEST_OUTCOMES, Consumed.with(Serdes.String(), Serdes.ByteArray())).groupByKey()
            .count();
    }

    private static double load(final String brokers, final long count) throws Exception {
        final Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
            ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
            ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4", ProducerConfig.ACKS_CONFIG, "all");
        final var serializer = EventSerdes.requestOutcome().serializer();
        final SplittableRandom random = new SplittableRandom(42);
        final Instant now = Instant.now();
        final long began = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
                new ByteArraySerializer())) {
            for (long i = 0; i < count; i++) {
                final String version = version(random);
                // Ten minutes of traffic in the order routers emit it: an outcome goes out when its attempt ends, so
                // event times are in order up to the spread of latencies (here up to 5 s out of order).
                final Instant at = now.minusMillis(600_000).plusMillis(600_000 * i / count)
                    .minusMillis(random.nextInt(5_000));
                producer.send(new ProducerRecord<>(Topics.REQUEST_OUTCOMES, null, at.toEpochMilli(), version,
                    serializer.serialize(Topics.REQUEST_OUTCOMES, outcome(version, at, random))));
            }
            producer.flush();
        }
        return count / ((System.nanoTime() - began) / 1e9);
    }

    private static String version(final SplittableRandom random) {
        return "LLM/Bench/v" + (SKEW > 0 && random.nextDouble() < SKEW ? 0 : random.nextInt(VERSIONS));
    }

    private static RequestOutcome outcome(final String version, final Instant at, final SplittableRandom random) {
        final boolean failed = random.nextInt(100) < 3;
        final boolean streamed = random.nextInt(100) < 30;
        final String[] parts = version.split("/");
        return RequestOutcome.newBuilder()
            .setRequestId(UUID.randomUUID().toString()).setEventTime(at)
            .setCategory(parts[0]).setName(parts[1]).setVersion(parts[2]).setModelName("bench")
            .setSelectionReason(SelectionReason.WEIGHT)
            .setStatus(failed ? OutcomeStatus.UPSTREAM_ERROR : OutcomeStatus.SUCCESS)
            .setHttpStatus(failed ? 503 : 200)
            .setLatencyMs(50 + random.nextInt(2_000))
            .setTimeToFirstTokenMs(streamed ? (long) (20 + random.nextInt(300)) : null)
            .setPromptTokens(10 + random.nextInt(500)).setCompletionTokens(random.nextInt(800))
            .setStreamed(streamed).setAttempt(1).setRouterInstance("bench")
            .build();
    }

    /** Runs a topology from the topic's start until it has committed every record, and times it. */
    private static Run measure(final String brokers, final long count, final Path stateDir, final String name,
                               final Consumer<StreamsBuilder> topology) throws Exception {
        final String applicationId = "bench-" + name + "-" + UUID.randomUUID();
        final StreamsBuilder builder = new StreamsBuilder();
        topology.accept(builder);
        try (KafkaStreams streams = new KafkaStreams(builder.build(), streamsConfig(brokers, applicationId,
                stateDir.resolve(name)));
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
            streams.start();
            awaitRunning(streams);
            final Map<TopicPartition, Long> ends = ends(admin);
            final long end = sum(ends);
            final long partitions = ends.values().stream().filter(offset -> offset > 0).count();
            // Timed from the first commit of every partition's task, so start-up (joining, initialising
            // transactions, opening each task's stores) is left out: a topology with more stores takes longer to
            // start, which its first partitions' commits alone would count against its throughput.
            Map<TopicPartition, Long> started;
            while ((started = committed(admin, applicationId)).size() < partitions) {
                Thread.sleep(20);
            }
            final long first = sum(started);
            final long began = System.nanoTime();
            while (sum(committed(admin, applicationId)) < end) {
                Thread.sleep(50); // polling the group's committed offsets, which move every commit interval
            }
            final Duration took = Duration.ofNanos(System.nanoTime() - began);
            final Run run = new Run((end - first) / (took.toNanos() / 1e9), took);
            System.err.printf("%s: %,d outcomes in %s, %,.0f/s%n", name, count, took, run.rate());
            return run;
        }
    }

    /**
     * Under a steady load, sends probe outcomes of their own versions and times each until the daily store
     * answers it, through Kafka Streams' interactive queries as the REST layer does.
     */
    private static List<Long> queryableLatency(final String brokers, final Path stateDir, final double loadRate)
        throws Exception {
        final String applicationId = "bench-latency-" + UUID.randomUUID();
        final StreamsBuilder builder = new StreamsBuilder();
        DailyStatsTopology.build(builder,
            new DailyStatsTopology.Windows(Duration.ofHours(6), Duration.ofDays(400), Duration.ofDays(3)),
            BuiltInDslStoreSuppliers.ROCKS_DB);
        final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        final Map<String, Long> pending = new ConcurrentHashMap<>();
        try (KafkaStreams streams = new KafkaStreams(builder.build(), streamsConfig(brokers, applicationId,
                stateDir.resolve("latency")));
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                 ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers, ProducerConfig.LINGER_MS_CONFIG, 5),
                 new StringSerializer(), new ByteArraySerializer())) {
            streams.start();
            awaitRunning(streams);
            // Catch up with the loaded topic first: the latency is of a live stream, not of a backlog.
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
                while (sum(committed(admin, applicationId)) < sum(ends(admin))) {
                    Thread.sleep(50);
                }
            }
            final var serializer = EventSerdes.requestOutcome().serializer();
            final SplittableRandom random = new SplittableRandom(7);
            final Thread checker = Thread.ofPlatform().daemon().start(() -> checkProbes(streams, pending, latencies));
            final long perTick = Math.max(1, Math.round(loadRate / 100)); // 100 ticks a second
            final long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            long tick = 0;
            while (System.nanoTime() < end) {
                final Instant now = Instant.now();
                for (long i = 0; i < perTick; i++) {
                    final String version = version(random);
                    producer.send(new ProducerRecord<>(Topics.REQUEST_OUTCOMES, null, now.toEpochMilli(), version,
                        serializer.serialize(Topics.REQUEST_OUTCOMES, outcome(version, now, random))));
                }
                if (tick++ % 10 == 0) { // a probe every 100 ms
                    final String probe = "LLM/Probe/p" + tick;
                    pending.put(probe, System.nanoTime());
                    producer.send(new ProducerRecord<>(Topics.REQUEST_OUTCOMES, null, now.toEpochMilli(), probe,
                        serializer.serialize(Topics.REQUEST_OUTCOMES, outcome(probe, now, random))));
                }
                Thread.sleep(10); // pacing the load: 100 ticks a second
            }
            final long drain = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!pending.isEmpty() && System.nanoTime() < drain) {
                Thread.sleep(10);
            }
            checker.interrupt();
            if (!pending.isEmpty()) {
                System.err.printf("%d probes not queryable within 10 s of the end%n", pending.size());
                pending.values().forEach(sent -> latencies.add(Long.MAX_VALUE / 2));
            }
        }
        return latencies;
    }

    private static void checkProbes(final KafkaStreams streams, final Map<String, Long> pending,
                                    final List<Long> latencies) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                final ReadOnlyWindowStore<String, DailyStats> store = streams.store(StoreQueryParameters
                    .fromNameAndType(DailyStatsTopology.DAILY_STORE, QueryableStoreTypes.windowStore()));
                final Instant now = Instant.now();
                for (final Map.Entry<String, Long> probe : pending.entrySet()) {
                    try (WindowStoreIterator<DailyStats> found = store.fetch(probe.getKey(),
                            now.minus(Duration.ofDays(1)), now)) {
                        if (found.hasNext()) {
                            latencies.add((System.nanoTime() - probe.getValue()) / 1_000_000);
                            pending.remove(probe.getKey());
                        }
                    }
                }
                Thread.sleep(2);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // the store is not queryable at this moment (a rebalance): look again
            }
        }
    }

    private static Properties streamsConfig(final String brokers, final String applicationId, final Path stateDir)
        throws Exception {
        Files.createDirectories(stateDir);
        final Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        config.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        if (TASK_IDLE_MS != null) {
            config.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, TASK_IDLE_MS);
        }
        return config;
    }

    private static void awaitRunning(final KafkaStreams streams) throws InterruptedException {
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (streams.state() == KafkaStreams.State.ERROR) {
                throw new IllegalStateException("Kafka Streams failed to start");
            }
            Thread.sleep(20);
        }
    }

    /** The group's committed offset of each outcome partition it has committed one for. */
    private static Map<TopicPartition, Long> committed(final Admin admin, final String group) throws Exception {
        final Map<TopicPartition, Long> offsets = new HashMap<>();
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().forEach((partition, offset) -> {
            if (partition.topic().equals(Topics.REQUEST_OUTCOMES) && offset != null) {
                offsets.put(partition, offset.offset());
            }
        });
        return offsets;
    }

    /** The outcome topic's end offsets: the committed offsets of a caught-up app. */
    private static Map<TopicPartition, Long> ends(final Admin admin) throws Exception {
        final Map<TopicPartition, OffsetSpec> latest = new ConcurrentHashMap<>();
        admin.describeTopics(List.of(Topics.REQUEST_OUTCOMES)).allTopicNames().get().get(Topics.REQUEST_OUTCOMES)
            .partitions().forEach(p -> latest.put(new TopicPartition(Topics.REQUEST_OUTCOMES, p.partition()),
                OffsetSpec.latest()));
        final Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest).all().get().forEach((partition, info) -> ends.put(partition, info.offset()));
        return ends;
    }

    private static long sum(final Map<TopicPartition, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }

    private static long percentile(final List<Long> values, final double quantile) {
        if (values.isEmpty()) {
            return -1;
        }
        final List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(quantile * sorted.size()) - 1));
    }
}
