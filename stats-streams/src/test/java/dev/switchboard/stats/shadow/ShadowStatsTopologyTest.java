package dev.switchboard.stats.shadow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.offset;
import static org.assertj.core.api.Assertions.withinPercentage;

import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.events.ShadowComparison;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.ReleasedSchemas;
import dev.switchboard.schemas.Topics;
import dev.switchboard.stats.daily.LateOutcomes;
import dev.switchboard.stats.store.ShadowPairsDay;
import dev.switchboard.stats.topology.TestTopology;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ShadowStatsTopologyTest {

    private static final String BASELINE = "LLM/OllamaLLM/v1";
    private static final Instant DAY = Instant.parse("2026-11-22T08:00:00Z");

    private TopologyTestDriver driver;
    private TestInputTopic<String, ShadowComparison> comparisons;

    @BeforeEach
    void start() {
        final StreamsBuilder builder = new StreamsBuilder();
        TestTopology.build(builder, Clock.systemUTC());
        final Properties config = TestTopology.driverConfig("shadow-stats-test");
        driver = new TopologyTestDriver(builder.build(), config);
        comparisons = driver.createInputTopic(Topics.SHADOW_COMPARISONS, new StringSerializer(),
            EventSerdes.shadowComparison().serializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void keepsEachCandidateOfABaselineApartPerDay() {
        pipe(comparison("v2", OutcomeStatus.SUCCESS, 100, 150, 0.9), DAY);
        pipe(comparison("v2", OutcomeStatus.UPSTREAM_ERROR, 100, 30, null), DAY.plusSeconds(1));
        pipe(comparison("v3", OutcomeStatus.SUCCESS, 100, 80, 0.5), DAY.plusSeconds(2));
        pipe(comparison("v2", OutcomeStatus.SUCCESS, 100, 120, 1.0), DAY.plusSeconds(86_400));

        final List<KeyValue<Long, ShadowDayStats>> days = days();

        assertThat(days).hasSize(2);
        final ShadowDayStats first = days.get(0).value;
        assertThat(first.byCandidate()).containsOnlyKeys("v2", "v3");
        final ShadowPairStats v2 = first.byCandidate().get("v2");
        assertThat(v2.comparisons()).isEqualTo(2);
        assertThat(v2.candidateErrorRate()).isEqualTo(0.5);
        assertThat(v2.baselineErrorRate()).isZero();
        assertThat(v2.statusMismatches()).isEqualTo(1);
        assertThat(v2.meanLatencyDifferenceMs()).isEqualTo(-10.0); // (+50 - 70) / 2
        assertThat(v2.scored()).isEqualTo(1);
        assertThat(v2.lastComparedAt()).isEqualTo(DAY.plusSeconds(1));
        assertThat(first.byCandidate().get("v3").comparisons()).isEqualTo(1);
        assertThat(days.get(1).value.byCandidate().get("v2").comparisons()).isEqualTo(1);
    }

    @Test
    void keepsLatencyDifferencesOfEitherSignWithinOnePercent() {
        // Candidate minus baseline runs from -500 to +499 ms.
        for (int i = 0; i < 1_000; i++) {
            pipe(comparison("v2", OutcomeStatus.SUCCESS, 1_000, 500 + i, null), DAY.plusMillis(i));
        }

        final ShadowPairStats pair = days().get(0).value.byCandidate().get("v2");
        assertThat(pair.latencyDifferenceQuantileMs(0.05)).isCloseTo(-450, withinPercentage(1));
        assertThat(pair.latencyDifferenceQuantileMs(0.95)).isCloseTo(450, withinPercentage(1));
        assertThat(pair.meanLatencyDifferenceMs()).isEqualTo(-0.5);
        assertThat(pair.meanBaselineLatencyMs()).isEqualTo(1_000.0);
    }

    @Test
    void countsSimilarityInTenBucketsAndTokenDifferencesOnlyWhereBothReportedThem() {
        for (final double score : new double[] {0.0, 0.05, 0.55, 0.95, 1.0, 1.7, Double.NaN}) {
            pipe(comparison("v2", OutcomeStatus.SUCCESS, 100, 100, score), DAY);
        }
        final ShadowComparison tokens = comparison("v2", OutcomeStatus.SUCCESS, 100, 100, null);
        tokens.setBaselineCompletionTokens(40);
        tokens.setCandidateCompletionTokens(52);
        pipe(tokens, DAY);
        final ShadowComparison onlyOneSide = comparison("v2", OutcomeStatus.SUCCESS, 100, 100, null);
        onlyOneSide.setCandidateCompletionTokens(1_000);
        pipe(onlyOneSide, DAY);

        final ShadowPairStats pair = days().get(0).value.byCandidate().get("v2");
        assertThat(pair.similarityHistogram()).containsExactly(2, 0, 0, 0, 0, 1, 0, 0, 0, 3);
        assertThat(pair.scored()).as("NaN is no score").isEqualTo(6);
        assertThat(pair.meanSimilarity()).isCloseTo((0.0 + 0.05 + 0.55 + 0.95 + 1.0 + 1.0) / 6, offset(1e-9));
        assertThat(pair.tokenPairs()).isEqualTo(1);
        assertThat(pair.meanCompletionTokenDifference()).isEqualTo(12.0);
    }

    @Test
    void shouldNeverPutASimilarityQuantileAboveOne() {
        for (int i = 0; i < 20; i++) {
            pipe(comparison("v2", OutcomeStatus.SUCCESS, 100, 100, 1.0), DAY.plusMillis(i));
        }

        final ShadowPairStats pair = days().get(0).value.byCandidate().get("v2");
        assertThat(pair.similarityQuantile(0.10)).as("identical answers: 1, not the sketch's 1.01").isEqualTo(1.0);
        assertThat(pair.similarityQuantile(0.90)).isEqualTo(1.0);
    }

    @Test
    void countsComparisonsThatCameAfterTheirDayClosed() {
        pipe(comparison("v2", OutcomeStatus.SUCCESS, 100, 100, null), DAY.plus(Duration.ofDays(2)));
        pipe(comparison("v2", OutcomeStatus.SUCCESS, 100, 100, null), DAY);

        final KeyValueStore<String, LateOutcomes> late = driver.getKeyValueStore(ShadowStatsTopology.LATE_STORE);
        assertThat(late.get(BASELINE).byDay()).containsExactly(entry(LocalDate.parse("2026-11-22"), 1L));
        assertThat(days()).hasSize(1);
    }

    @Test
    void theCurrentStoreSchemaIsTheNewestReleasedOne() {
        final List<Schema> released = ReleasedSchemas.of("ShadowPairsDay");
        assertThat(SchemaNormalization.parsingFingerprint64(ShadowPairsDay.getClassSchema()))
            .as("ShadowPairsDay changed: add it as released/ShadowPairsDay/v%d.avsc", released.size() + 1)
            .isEqualTo(SchemaNormalization.parsingFingerprint64(released.get(released.size() - 1)));
    }

    private List<KeyValue<Long, ShadowDayStats>> days() {
        final WindowStore<String, ShadowDayStats> store = driver.getWindowStore(ShadowStatsTopology.SHADOW_STORE);
        final List<KeyValue<Long, ShadowDayStats>> days = new ArrayList<>();
        try (WindowStoreIterator<ShadowDayStats> it = store.fetch(BASELINE, Instant.EPOCH,
                DAY.plus(Duration.ofDays(3)))) {
            it.forEachRemaining(days::add);
        }
        return days;
    }

    private void pipe(final ShadowComparison comparison, final Instant at) {
        comparison.setEventTime(at);
        comparisons.pipeInput(BASELINE, comparison, at);
    }

    private static ShadowComparison comparison(final String candidate, final OutcomeStatus candidateStatus,
                                               final long baselineMs, final long candidateMs,
                                               final Double similarity) {
        return ShadowComparison.newBuilder()
            .setRequestId("r").setEventTime(DAY).setCategory("LLM").setName("OllamaLLM")
            .setBaselineVersion("v1").setCandidateVersion(candidate)
            .setBaselineStatus(OutcomeStatus.SUCCESS).setCandidateStatus(candidateStatus)
            .setBaselineLatencyMs(baselineMs).setCandidateLatencyMs(candidateMs)
            .setSimilarity(similarity).setRouterInstance("test")
            .build();
    }
}
