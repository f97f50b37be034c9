package dev.switchboard.stats.experiment.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.events.Experiment;
import dev.switchboard.events.ExperimentArm;
import dev.switchboard.events.ExperimentFeedback;
import dev.switchboard.events.ExperimentMetric;
import dev.switchboard.events.ExperimentOutcome;
import dev.switchboard.events.ExperimentVerdict;
import dev.switchboard.events.ExperimentStatus;
import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.events.RequestOutcome;
import dev.switchboard.events.SelectionReason;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.Topics;
import dev.switchboard.stats.experiment.ArmTotals;
import dev.switchboard.stats.experiment.ExperimentAnalysis;
import dev.switchboard.stats.experiment.ExperimentDay;
import dev.switchboard.stats.experiment.ExperimentResult;
import dev.switchboard.stats.experiment.Verdict;
import dev.switchboard.stats.topology.TestTopology;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ExperimentTopologyTest {

    private static final Instant NOW = Instant.parse("2026-11-22T09:00:00Z");

    private TopologyTestDriver driver;
    private TestInputTopic<String, RequestOutcome> outcomes;

    @BeforeEach
    void start() {
        final StreamsBuilder builder = new StreamsBuilder();
        TestTopology.build(builder, Clock.systemUTC());
        final Properties config = TestTopology.driverConfig("experiment-test");
        driver = new TopologyTestDriver(builder.build(), config);
        outcomes = driver.createInputTopic(Topics.REQUEST_OUTCOMES, new StringSerializer(),
            EventSerdes.requestOutcome().serializer());
        driver.createInputTopic(Topics.EXPERIMENTS, new StringSerializer(), EventSerdes.experiment().serializer())
            .pipeInput("tone", experiment());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void foldsTheOutcomesOfEachArmAcrossVersionsIntoTheExperimentsDay() {
        for (int i = 0; i < 100; i++) {
            outcomes.pipeInput("LLM/OllamaLLM/v1", outcome("v1", "model_a", i % 10 != 0, 100 + i), NOW);
            outcomes.pipeInput("LLM/OllamaLLM/v2", outcome("v2", "model_b", i % 5 != 0, 200 + i), NOW);
        }
        outcomes.pipeInput("LLM/OllamaLLM/v1", outcome("v1", null, true, 1), NOW); // not in the experiment

        final ExperimentDay day = days("tone").get(0).value;

        final ArmTotals a = day.byArm().get("model_a");
        assertThat(a.samples()).isEqualTo(100);
        assertThat(a.successes()).isEqualTo(90);
        assertThat(a.latency().mean()).isEqualTo(149.5);
        assertThat(day.byArm().get("model_b").successes()).isEqualTo(80);
    }

    @Test
    void joinsClientScoresToTheArmThatServedTheRequest() {
        outcomes.pipeInput("LLM/OllamaLLM/v1", outcome("r-a", "v1", "model_a", true, 100), NOW);
        outcomes.pipeInput("LLM/OllamaLLM/v2", outcome("r-b", "v2", "model_b", true, 100), NOW);
        final TestInputTopic<String, ExperimentFeedback> feedback = driver.createInputTopic(
            Topics.EXPERIMENT_FEEDBACK, new StringSerializer(), EventSerdes.experimentFeedback().serializer());
        feedback.pipeInput("r-a", score("r-a", "tone", 0.9), NOW.plusSeconds(5));
        feedback.pipeInput("r-a", score("r-a", "tone", 0.7), NOW.plusSeconds(6));
        feedback.pipeInput("r-b", score("r-b", "tone", 0.2), NOW.plusSeconds(7));
        feedback.pipeInput("r-b", score("r-b", "another", 1.0), NOW.plusSeconds(8)); // not this experiment's
        feedback.pipeInput("r-x", score("r-x", "tone", 1.0), NOW.plusSeconds(9)); // no such request

        final ExperimentDay day = days("tone").get(0).value;

        assertThat(day.arm("model_a").scores().count()).isEqualTo(2);
        assertThat(day.arm("model_a").scores().mean()).isCloseTo(0.8, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(day.arm("model_b").scores().count()).isEqualTo(1);
        assertThat(day.arm("model_a").samples()).as("a score is not another outcome").isEqualTo(1);
    }

    @Test
    void keepsEveryExperimentDefinitionAtHand() {
        final KeyValueStore<String, Experiment> definitions =
            driver.getKeyValueStore(ExperimentTopology.DEFINITIONS_STORE);

        assertThat(definitions.get("tone").getArms()).extracting(ExperimentArm::getVersion).containsExactly("v1", "v2");
    }

    @Test
    void theStoredDaysAreJudgedByTheExperimentsDesign() {
        arms(400, 10, 5);
        final ExperimentDay day = days("tone").get(0).value;

        final ExperimentResult result = ExperimentAnalysis.analyze(ExperimentDesigns.of(experiment()),
            List.of(day.arm("model_a").toArmData("model_a"), day.arm("model_b").toArmData("model_b")));

        assertThat(result.comparisons().get(0).verdict()).as("20% errors against 10%")
            .isEqualTo(Verdict.CANDIDATE_WORSE);
        assertThat(result.sampleRatio().mismatch()).as("400 : 400 is what a 50/50 split asks for").isFalse();
    }

    @Test
    void shouldTellAVerdictOnceItHasTheMinimumSampleAndAgainOnlyWhenItChanges() {
        final TestOutputTopic<String, ExperimentVerdict> verdicts = driver.createOutputTopic(Topics.EXPERIMENT_VERDICTS,
            new StringDeserializer(), EventSerdes.experimentVerdict().deserializer());
        arms(40, 10, 3);
        driver.advanceWallClockTime(TestTopology.ALERTS_EVERY);
        assertThat(verdicts.isEmpty()).as("40 requests an arm, short of the minimum of 100").isTrue();

        arms(80, 10, 3);
        driver.advanceWallClockTime(TestTopology.ALERTS_EVERY);
        final ExperimentVerdict worse = verdicts.readValue();
        assertThat(worse.getVerdict()).as("a third failing against a tenth").isEqualTo(ExperimentOutcome.CANDIDATE_WORSE);
        assertThat(worse.getPrevious()).isNull();
        assertThat(worse.getCandidate()).isEqualTo("model_b");
        assertThat(worse.getControl()).isEqualTo("model_a");
        assertThat(worse.getCandidateSamples()).isEqualTo(120);

        arms(10, 10, 3);
        driver.advanceWallClockTime(TestTopology.ALERTS_EVERY);
        assertThat(verdicts.isEmpty()).as("still worse: nothing to tell").isTrue();

        arms(400, 10, 1_000_000); // model_b heals: 46 failures of 530 against model_a's 53
        driver.advanceWallClockTime(TestTopology.ALERTS_EVERY);
        final ExperimentVerdict healed = verdicts.readValue();
        assertThat(healed.getVerdict()).isEqualTo(ExperimentOutcome.NO_DETECTABLE_DIFFERENCE);
        assertThat(healed.getPrevious()).isEqualTo(ExperimentOutcome.CANDIDATE_WORSE);
        assertThat(healed.getEventId()).isNotEqualTo(worse.getEventId());
        assertThat(verdicts.isEmpty()).isTrue();
    }

    /** {@code n} requests an arm; one in {@code everyA} of model_a's fails, one in {@code everyB} of model_b's. */
    private void arms(final int n, final int everyA, final int everyB) {
        for (int i = 0; i < n; i++) {
            outcomes.pipeInput("LLM/OllamaLLM/v1", outcome("v1", "model_a", i % everyA != 0, 100), NOW);
            outcomes.pipeInput("LLM/OllamaLLM/v2", outcome("v2", "model_b", i % everyB != 0, 100), NOW);
        }
    }

    private List<KeyValue<Long, ExperimentDay>> days(final String experiment) {
        final WindowStore<String, ExperimentDay> store = driver.getWindowStore(ExperimentTopology.ARMS_STORE);
        final List<KeyValue<Long, ExperimentDay>> days = new ArrayList<>();
        try (WindowStoreIterator<ExperimentDay> it = store.fetch(experiment, Instant.EPOCH, NOW)) {
            it.forEachRemaining(days::add);
        }
        return days;
    }

    static Experiment experiment() {
        return Experiment.newBuilder()
            .setName("tone").setCategory("LLM").setProvider("OllamaLLM")
            .setArms(List.of(new ExperimentArm("model_a", "v1", 0.5), new ExperimentArm("model_b", "v2", 0.5)))
            .setSuccessMetric(ExperimentMetric.SUCCESS_RATE).setMinimumSample(100L).setDurationDays(7)
            .setStatus(ExperimentStatus.RUNNING).setSalt("s").setCreatedBy("test")
            .setCreatedAt(NOW).setUpdatedAt(NOW).setStartedAt(NOW)
            .build();
    }

    private static ExperimentFeedback score(final String request, final String experiment, final double score) {
        return new ExperimentFeedback(request, experiment, score, NOW, "test");
    }

    private static RequestOutcome outcome(final String version, final String arm, final boolean success,
                                          final long latencyMs) {
        return outcome("r", version, arm, success, latencyMs);
    }

    private static RequestOutcome outcome(final String request, final String version, final String arm,
                                          final boolean success, final long latencyMs) {
        return RequestOutcome.newBuilder()
            .setRequestId(request).setEventTime(NOW).setCategory("LLM").setName("OllamaLLM").setVersion(version)
            .setModelName("m").setSelectionReason(arm == null ? SelectionReason.WEIGHT : SelectionReason.EXPERIMENT)
            .setExperiment(arm == null ? null : "tone").setArm(arm)
            .setStatus(success ? OutcomeStatus.SUCCESS : OutcomeStatus.UPSTREAM_ERROR)
            .setHttpStatus(success ? 200 : 503).setLatencyMs(latencyMs).setCompletionTokens(10)
            .setStreamed(false).setAttempt(1).setRouterInstance("test")
            .build();
    }
}
