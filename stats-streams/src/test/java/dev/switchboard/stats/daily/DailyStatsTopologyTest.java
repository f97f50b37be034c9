package dev.switchboard.stats.daily;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.withinPercentage;

import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.events.RequestOutcome;
import dev.switchboard.events.SelectionReason;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.Topics;
import dev.switchboard.stats.topology.TestTopology;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DailyStatsTopologyTest {

    private static final String V1 = "LLM/OllamaLLM/v1";
    private static final Instant DAY_ONE = Instant.parse("2026-11-21T23:59:00Z");
    private static final Instant DAY_TWO = Instant.parse("2026-11-22T00:01:00Z");

    private TopologyTestDriver driver;
    private TestInputTopic<String, RequestOutcome> outcomes;

    @BeforeEach
    void start() {
        final StreamsBuilder builder = new StreamsBuilder();
        TestTopology.build(builder, Clock.systemUTC());
        final Properties config = TestTopology.driverConfig("daily-stats-test");
        config.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        config.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Topics.DEAD_LETTERS);
        driver = new TopologyTestDriver(builder.build(), config);
        outcomes = driver.createInputTopic(Topics.REQUEST_OUTCOMES, new StringSerializer(),
            EventSerdes.requestOutcome().serializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void countsOutcomesPerVersionPerUtcDay() {
        pipe(outcome("v1", OutcomeStatus.SUCCESS, 100, 10, 20, false), DAY_ONE);
        pipe(outcome("v1", OutcomeStatus.UPSTREAM_ERROR, 300, null, null, false), DAY_ONE.plusSeconds(30));
        pipe(outcome("v1", OutcomeStatus.SUCCESS, 50, 5, 5, false), DAY_TWO);

        final List<KeyValue<Long, DailyStats>> days = days(V1);

        assertThat(days).hasSize(2);
        final DailyStats first = days.get(0).value;
        assertThat(Instant.ofEpochMilli(days.get(0).key)).isEqualTo(Instant.parse("2026-11-21T00:00:00Z"));
        assertThat(first.total()).isEqualTo(2);
        assertThat(first.successes()).isEqualTo(1);
        assertThat(first.upstreamErrors()).isEqualTo(1);
        assertThat(first.failures()).isEqualTo(1);
        assertThat(first.totalTokens()).isEqualTo(30);
        assertThat(first.averageLatencyMs()).isEqualTo(200.0);
        assertThat(first.lastUsedAt()).isEqualTo(DAY_ONE.plusSeconds(30));
        assertThat(days.get(1).value.total()).isEqualTo(1);
    }

    @Test
    void shouldAddUpEachVersionsCostAsItsPricesTimesTheTokensCounted() {
        // $0.001 a request, $3 per million input tokens, $15 per million output tokens, as routers price them.
        long prompt = 0;
        long completion = 0;
        for (int i = 1; i <= 200; i++) {
            final RequestOutcome answered = outcome("v1", OutcomeStatus.SUCCESS, 100, 100 + i, 20 + i % 7, false);
            answered.setCost(0.001 + answered.getPromptTokens() * 3 / 1e6 + answered.getCompletionTokens() * 15 / 1e6);
            prompt += answered.getPromptTokens();
            completion += answered.getCompletionTokens();
            pipe(answered, DAY_TWO.plusMillis(i));
        }
        pipe(outcome("v1", OutcomeStatus.UPSTREAM_ERROR, 30, null, null, false), DAY_TWO); // a failure costs nothing

        final DailyStats day = days(V1).get(0).value;

        assertThat(day.costed()).isEqualTo(200);
        assertThat(day.costUsd()).isCloseTo(200 * 0.001 + prompt * 3 / 1e6 + completion * 15 / 1e6,
            within(1e-12));
        assertThat(day.costPerRequestUsd()).isCloseTo(day.costUsd() / 200, within(1e-15));
    }

    @Test
    void keepsLatencyPercentilesWithinOnePercentAndTheExactMaximum() {
        for (int latency = 1; latency <= 1_000; latency++) {
            pipe(outcome("v1", OutcomeStatus.SUCCESS, latency, 1, 1, false), DAY_TWO.plusMillis(latency));
        }

        final DailyStats day = days(V1).get(0).value; // read back from the RocksDB store through its serde
        assertThat(day.latencyQuantileMs(0.50)).isCloseTo(500, withinPercentage(1));
        assertThat(day.latencyQuantileMs(0.95)).isCloseTo(950, withinPercentage(1));
        assertThat(day.latencyQuantileMs(0.99)).isCloseTo(990, withinPercentage(1));
        assertThat(day.maxLatencyMs()).isEqualTo(1_000);
        assertThat(day.averageLatencyMs()).isEqualTo(500.5);
    }

    @Test
    void countsAttemptsByHttpStatusRetriesFailoversAndTimeToFirstToken() {
        pipe(outcome("v1", OutcomeStatus.SUCCESS, 100, 1, 1, false), DAY_TWO);
        pipe(outcome("v1", OutcomeStatus.UPSTREAM_ERROR, 30, null, null, false), DAY_TWO);
        final RequestOutcome failover = outcome("v1", OutcomeStatus.SUCCESS, 80, 1, 1, false);
        failover.setAttempt(2);
        failover.setSelectionReason(SelectionReason.FAILOVER);
        pipe(failover, DAY_TWO);
        for (final long firstToken : new long[] {100, 200, 300}) {
            final RequestOutcome stream = outcome("v1", OutcomeStatus.SUCCESS, 2_000, 5, 50, false);
            stream.setStreamed(true);
            stream.setTimeToFirstTokenMs(firstToken);
            pipe(stream, DAY_TWO);
        }
        final RequestOutcome noAnswer = outcome("v1", OutcomeStatus.TIMEOUT, 60_000, null, null, false);
        noAnswer.setHttpStatus(0);
        pipe(noAnswer, DAY_TWO);

        final DailyStats day = days(V1).get(0).value;
        assertThat(day.byHttpStatus()).containsExactly(entry(0, 1L), entry(200, 5L), entry(503, 1L));
        assertThat(day.retries()).isEqualTo(1);
        assertThat(day.failovers()).isEqualTo(1);
        assertThat(day.streamed()).isEqualTo(3);
        assertThat(day.timeToFirstTokenQuantileMs(0.5)).isCloseTo(200, withinPercentage(1));
        assertThat(day.timeouts()).isEqualTo(1);
        assertThat(day.maxLatencyMs()).isEqualTo(60_000);
    }

    @Test
    void keepsPerMinuteTotalsThatAddUpToTheDay() {
        final Instant ten = Instant.parse("2026-11-22T10:00:00Z");
        pipe(outcome("v1", OutcomeStatus.SUCCESS, 100, 1, 1, false), ten.plusSeconds(10));
        pipe(outcome("v1", OutcomeStatus.UPSTREAM_ERROR, 900, null, null, false), ten.plusSeconds(50));
        pipe(outcome("v1", OutcomeStatus.SUCCESS, 200, 1, 1, false), ten.plusSeconds(65));

        final List<KeyValue<Long, DailyStats>> minutes = windows(DailyStatsTopology.MINUTE_STORE, V1);

        assertThat(minutes).extracting(minute -> Instant.ofEpochMilli(minute.key))
            .containsExactly(ten, ten.plusSeconds(60));
        assertThat(minutes.get(0).value.total()).isEqualTo(2);
        assertThat(minutes.get(0).value.upstreamErrors()).isEqualTo(1);
        final DailyStats added = DailyStats.empty();
        minutes.forEach(minute -> added.addAll(minute.value));
        final DailyStats day = days(V1).get(0).value;
        assertThat(added.total()).isEqualTo(day.total()).isEqualTo(3);
        assertThat(added.successes()).isEqualTo(day.successes());
        assertThat(added.maxLatencyMs()).isEqualTo(day.maxLatencyMs()).isEqualTo(900);
        assertThat(added.latencyQuantileMs(0.5)).isEqualTo(day.latencyQuantileMs(0.5));
        assertThat(added.byHttpStatus()).isEqualTo(day.byHttpStatus());
        assertThat(added.lastUsedAt()).isEqualTo(day.lastUsedAt());
    }

    @Test
    void countsOutcomesThatComeAfterTheirDayClosedAsLateInsteadOfDroppingThemUnseen() {
        pipe(outcome("v1", OutcomeStatus.SUCCESS, 100, 1, 1, false), DAY_ONE);
        // Day one (2026-11-21) closes at midnight plus the 6 h grace; this outcome moves stream time past that.
        pipe(outcome("v1", OutcomeStatus.SUCCESS, 100, 1, 1, false), Instant.parse("2026-11-22T06:00:00Z"));
        pipe(outcome("v1", OutcomeStatus.SUCCESS, 100, 1, 1, false), DAY_ONE.minusSeconds(60)); // too late
        pipe(outcome("v1", OutcomeStatus.SUCCESS, 100, 1, 1, false), DAY_TWO); // day two is open: counted

        assertThat(days(V1)).extracting(day -> day.value.total()).containsExactly(1L, 2L);
        final KeyValueStore<String, LateOutcomes> late = driver.getKeyValueStore(DailyStatsTopology.LATE_STORE);
        assertThat(late.get(V1).byDay()).containsExactly(entry(LocalDate.parse("2026-11-21"), 1L));
    }

    @Test
    void leavesShadowCallsOutOfServedTraffic() {
        pipe(outcome("v1", OutcomeStatus.SUCCESS, 100, 1, 1, false), DAY_TWO);
        pipe(outcome("v1", OutcomeStatus.SUCCESS, 100, 1, 1, true), DAY_TWO);

        assertThat(days(V1)).singleElement().satisfies(day -> assertThat(day.value.total()).isEqualTo(1));
    }

    @Test
    void skipsAnUndecodableRecordToTheDeadLetterTopicAndKeepsCounting() {
        final var raw = driver.createInputTopic(Topics.REQUEST_OUTCOMES, new StringSerializer(),
            new ByteArraySerializer());
        pipe(outcome("v1", OutcomeStatus.SUCCESS, 100, 1, 1, false), DAY_TWO);
        raw.pipeInput(V1, "not an outcome".getBytes(), DAY_TWO.plusSeconds(1));
        pipe(outcome("v1", OutcomeStatus.SUCCESS, 100, 1, 1, false), DAY_TWO.plusSeconds(2));

        assertThat(days(V1)).singleElement().satisfies(day -> assertThat(day.value.total()).isEqualTo(2));
        final var deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS, new StringDeserializer(),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer());
        assertThat(deadLetters.readKeyValuesToList()).singleElement()
            .satisfies(letter -> assertThat(new String(letter.value)).isEqualTo("not an outcome"));
    }

    private void pipe(final RequestOutcome outcome, final Instant at) {
        outcome.setEventTime(at);
        outcomes.pipeInput(V1.replace("v1", outcome.getVersion()), outcome, at);
    }

    private List<KeyValue<Long, DailyStats>> days(final String version) {
        return windows(DailyStatsTopology.DAILY_STORE, version);
    }

    private List<KeyValue<Long, DailyStats>> windows(final String storeName, final String version) {
        @SuppressWarnings("unchecked")
        final ReadOnlyWindowStore<String, DailyStats> store =
            (ReadOnlyWindowStore<String, DailyStats>) driver.getAllStateStores().get(storeName);
        final List<KeyValue<Long, DailyStats>> days = new ArrayList<>();
        try (WindowStoreIterator<DailyStats> it = store.fetch(version, Instant.EPOCH, DAY_TWO.plusSeconds(86_400))) {
            it.forEachRemaining(days::add);
        }
        return days;
    }

    static RequestOutcome outcome(final String version, final OutcomeStatus status, final long latencyMs,
                                  final Integer prompt, final Integer completion, final boolean shadow) {
        return RequestOutcome.newBuilder()
            .setRequestId("req").setEventTime(DAY_TWO)
            .setCategory("LLM").setName("OllamaLLM").setVersion(version).setModelName("llama2")
            .setSelectionReason(SelectionReason.WEIGHT)
            .setStatus(status).setHttpStatus(status == OutcomeStatus.SUCCESS ? 200 : 503)
            .setLatencyMs(latencyMs).setPromptTokens(prompt).setCompletionTokens(completion)
            .setStreamed(false).setAttempt(1).setShadow(shadow).setRouterInstance("router-test")
            .build();
    }
}
