package dev.switchboard.stats.query;

import dev.switchboard.schemas.Topics;
import dev.switchboard.schemas.VersionKey;
import dev.switchboard.stats.daily.DailyStats;
import dev.switchboard.stats.daily.DailyStatsSerde;
import dev.switchboard.stats.daily.DailyStatsTopology;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import tools.jackson.databind.json.JsonMapper;

/**
 * The daily or per-minute totals of many versions at once (a provider's, or every provider's), gathered from every
 * stats-streams instance: each answers for the outcome partitions it holds, and the answer counts only when every partition was
 * answered for exactly once. While a rebalance or a restore is going on, that fails and the caller gets a
 * retryable 503, never a total with a partition missing or counted twice.
 */
public final class ClusterShares {

    static final String SHARE_PATH = "/api/stats/internal/daily-share";

    /** One instance's part of the answer, as it travels between instances. */
    public record Share(String instance, List<Integer> partitions, List<SharedWindow> windows) {
    }

    /** One version's window: the stats in their store encoding (base64), which carries its schema version. */
    public record SharedWindow(String version, String start, String stats) {
    }

    /**
     * The windows a many-version query covers: those of {@code store} (the daily or the minute store) that start
     * from {@code from} to {@code to}.
     */
    public record Span(String store, Instant from, Instant to) {

        public Span {
            if (!store.equals(DailyStatsTopology.DAILY_STORE) && !store.equals(DailyStatsTopology.MINUTE_STORE)) {
                throw new BadQueryException("'store' must be " + DailyStatsTopology.DAILY_STORE + " or "
                    + DailyStatsTopology.MINUTE_STORE + ", got '" + store + "'");
            }
            if (from.isAfter(to)) {
                throw new BadQueryException("'from' (" + from + ") must not be after 'to' (" + to + ")");
            }
        }

        /** The UTC days from the first to the last, both included. */
        static Span days(final QueryParameters.Days days) {
            return new Span(DailyStatsTopology.DAILY_STORE, days.first().atStartOfDay(ZoneOffset.UTC).toInstant(),
                days.last().atStartOfDay(ZoneOffset.UTC).toInstant());
        }

        /** The minutes that start from {@code from} to {@code to}. */
        static Span minutes(final Instant from, final Instant to) {
            return new Span(DailyStatsTopology.MINUTE_STORE, from, to);
        }
    }

    private final Supplier<KafkaStreams> streams;
    private final LocalStores stores;
    private final HostInfo self;
    private final JsonMapper json;
    private final Duration timeout;
    private final HttpClient http;
    private final Serde<DailyStats> serde = DailyStatsSerde.create();

    public ClusterShares(final Supplier<KafkaStreams> streams, final LocalStores stores, final HostInfo self,
                         final JsonMapper json, final Duration timeout) {
        this.streams = streams;
        this.stores = stores;
        this.self = self;
        this.json = json;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** One instance's part, as read or decoded: the partitions it answered for, and their versions' days. */
    private record Part(String instance, List<Integer> partitions, List<LocalStores.VersionWindow> windows) {
    }

    /**
     * This instance's part as it travels: the days of the versions in the outcome partitions its active tasks hold.
     *
     * @throws StoreNotReadyException unless this instance is running, before and after the read, with the same tasks
     */
    public Share local(final Optional<String> provider, final Span span) {
        final Part part = localPart(provider, span);
        return new Share(part.instance(), part.partitions(), part.windows().stream()
            .map(found -> new SharedWindow(found.version().toString(), found.window().start().toString(),
                Base64.getEncoder().encodeToString(serde.serializer().serialize(null, found.window().stats()))))
            .toList());
    }

    private Part localPart(final Optional<String> provider, final Span span) {
        final Set<Integer> before = runningPartitions();
        final List<LocalStores.VersionWindow> windows = stores.allWindows(span.store(), provider, span.from(),
            span.to());
        if (!before.equals(runningPartitions())) {
            throw new StoreNotReadyException(span.store() + " (its partitions moved meanwhile)", null);
        }
        return new Part(self.host() + ":" + self.port(), List.copyOf(new TreeSet<>(before)), windows);
    }

    /**
     * Every instance's part, checked to cover each outcome partition once. This instance's own part is read
     * straight from its stores; the others' come over HTTP in their store encoding.
     */
    public Gathered gather(final Optional<String> provider, final Span span,
                           final Optional<String> authorization) {
        final KafkaStreams running = running();
        final Set<Integer> expected = new HashSet<>();
        final List<CompletableFuture<Part>> asked = new ArrayList<>();
        for (final StreamsMetadata instance : running.streamsMetadataForStore(DailyStatsTopology.DAILY_STORE)) {
            expected.addAll(outcomePartitions(instance.topicPartitions()));
            asked.add(instance.hostInfo().equals(self) ? CompletableFuture.completedFuture(localPart(provider, span))
                : ask(instance.hostInfo(), provider, span, authorization).thenApply(this::decode));
        }
        final List<LocalStores.VersionWindow> windows = new ArrayList<>();
        final Set<Integer> answered = new HashSet<>();
        final List<String> instances = new ArrayList<>();
        for (final CompletableFuture<Part> future : asked) {
            final Part part = join(future);
            instances.add(part.instance());
            for (final Integer partition : part.partitions()) {
                if (!answered.add(partition)) {
                    throw notReady("partition " + partition + " was answered for twice (it is moving)");
                }
            }
            windows.addAll(part.windows());
        }
        if (expected.isEmpty() || !answered.equals(expected)) {
            throw notReady("partitions " + expected + " are held, " + answered + " answered for");
        }
        return new Gathered(windows, instances);
    }

    /** The windows of many versions, and which instances gave them. */
    public record Gathered(List<LocalStores.VersionWindow> windows, List<String> instances) {
    }

    private Part decode(final Share share) {
        return new Part(share.instance(), share.partitions(), share.windows().stream()
            .map(window -> new LocalStores.VersionWindow(VersionKey.parse(window.version()), new LocalStores.Window<>(
                Instant.parse(window.start()),
                serde.deserializer().deserialize(null, Base64.getDecoder().decode(window.stats())))))
            .toList());
    }

    private CompletableFuture<Share> ask(final HostInfo owner, final Optional<String> provider, final Span span,
                                         final Optional<String> authorization) {
        final String query = "store=" + span.store() + "&from=" + span.from() + "&to=" + span.to()
            + provider.map(p -> "&provider=" + URLEncoder.encode(p, StandardCharsets.UTF_8)).orElse("");
        final HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://" + owner.host() + ":" + owner.port() + SHARE_PATH + "?" + query))
            .timeout(timeout).GET()
            .header(RemoteStats.FORWARDED_HEADER, self.host() + ":" + self.port());
        authorization.ifPresent(value -> request.header("Authorization", value));
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).thenApply(answer -> {
            if (answer.statusCode() != 200) {
                throw notReady(owner + " answered HTTP " + answer.statusCode());
            }
            return json.readValue(answer.body(), Share.class);
        });
    }

    private static Part join(final CompletableFuture<Part> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof StoreNotReadyException notReady) {
                throw notReady;
            }
            final Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new StoreNotReadyException(DailyStatsTopology.DAILY_STORE + " of another instance (it did not "
                + "answer: " + cause.getClass().getSimpleName() + ")", cause instanceof IOException ? cause : e);
        }
    }

    private Set<Integer> runningPartitions() {
        final Set<Integer> partitions = new HashSet<>();
        running().metadataForLocalThreads().forEach(thread -> thread.activeTasks()
            .forEach(task -> partitions.addAll(outcomePartitions(task.topicPartitions()))));
        return partitions;
    }

    private KafkaStreams running() {
        final KafkaStreams running = streams.get();
        if (running == null || running.state() != KafkaStreams.State.RUNNING) {
            throw notReady("this instance is " + (running == null ? "starting" : running.state()));
        }
        return running;
    }

    private static Set<Integer> outcomePartitions(final Collection<TopicPartition> partitions) {
        final Set<Integer> outcomes = new HashSet<>();
        partitions.stream().filter(p -> p.topic().equals(Topics.REQUEST_OUTCOMES))
            .forEach(p -> outcomes.add(p.partition()));
        return outcomes;
    }

    private static StoreNotReadyException notReady(final String why) {
        return new StoreNotReadyException(DailyStatsTopology.DAILY_STORE + " (" + why + ")", null);
    }
}
