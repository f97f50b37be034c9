package dev.switchboard.stats.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.testing.MutableClock;
import dev.switchboard.events.ConfigChange;
import dev.switchboard.events.ExperimentFeedback;
import dev.switchboard.events.HealthEvent;
import dev.switchboard.events.ModelStage;
import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.events.ProviderVersion;
import dev.switchboard.events.RegisteredModel;
import dev.switchboard.events.RequestOutcome;
import dev.switchboard.events.Rollout;
import dev.switchboard.events.RolloutAction;
import dev.switchboard.events.RolloutDecision;
import dev.switchboard.events.RolloutFailureAction;
import dev.switchboard.events.RolloutGate;
import dev.switchboard.events.RolloutGateKind;
import dev.switchboard.events.RolloutMetric;
import dev.switchboard.events.RolloutSource;
import dev.switchboard.events.RolloutStep;
import dev.switchboard.events.SelectionReason;
import dev.switchboard.rollout.RolloutScores;
import dev.switchboard.rollout.RolloutState;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.Topics;
import dev.switchboard.stats.topology.TestTopology;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RolloutTopologyTest {

    private static final Instant START = Instant.parse("2026-11-22T10:00:00Z"); // where MutableClock starts
    private static final String PROVIDER = "LLM/OllamaLLM";

    private final MutableClock clock = new MutableClock();
    private TopologyTestDriver driver;
    private TestInputTopic<String, RequestOutcome> outcomes;
    private TestInputTopic<String, RolloutDecision> decisionsIn;
    private TestOutputTopic<String, RolloutDecision> decisions;
    private TestOutputTopic<String, ProviderVersion> versions;
    private TestOutputTopic<String, RegisteredModel> models;
    private TestOutputTopic<String, ConfigChange> audits;

    @BeforeEach
    void start() {
        final StreamsBuilder builder = new StreamsBuilder();
        TestTopology.build(builder, clock);
        final Properties config = TestTopology.driverConfig("rollout-test");
        driver = new TopologyTestDriver(builder.build(), config, START);
        outcomes = driver.createInputTopic(Topics.REQUEST_OUTCOMES, new StringSerializer(),
            EventSerdes.requestOutcome().serializer());
        decisionsIn = driver.createInputTopic(Topics.ROLLOUT_DECISIONS, new StringSerializer(),
            EventSerdes.rolloutDecision().serializer());
        decisions = driver.createOutputTopic(Topics.ROLLOUT_DECISIONS, new StringDeserializer(),
            EventSerdes.rolloutDecision().deserializer());
        versions = driver.createOutputTopic(Topics.PROVIDER_CONFIG, new StringDeserializer(),
            EventSerdes.providerVersion().deserializer());
        models = driver.createOutputTopic(Topics.MODEL_REGISTRY, new StringDeserializer(),
            EventSerdes.registeredModel().deserializer());
        audits = driver.createOutputTopic(Topics.CONFIG_AUDIT, new StringDeserializer(),
            EventSerdes.configChange().deserializer());
        final TestInputTopic<String, ProviderVersion> config2 = driver.createInputTopic(Topics.PROVIDER_CONFIG,
            new StringSerializer(), EventSerdes.providerVersion().serializer());
        config2.pipeInput(PROVIDER + "/v1", version("v1", 100, true), START);
        config2.pipeInput(PROVIDER + "/v2", version("v2", 10, false), START);
        final TestInputTopic<String, RegisteredModel> registry = driver.createInputTopic(Topics.MODEL_REGISTRY,
            new StringSerializer(), EventSerdes.registeredModel().serializer());
        registry.pipeInput("tone_v1", model("tone_v1", "v1", ModelStage.DEPLOYED), START);
        registry.pipeInput("tone_v2", model("tone_v2", "v2", ModelStage.VALIDATED), START);
        versions.readKeyValuesToList(); // what the test wrote itself
        models.readKeyValuesToList();
        driver.createInputTopic(Topics.ROLLOUTS, new StringSerializer(), EventSerdes.rollout().serializer())
            .pipeInput("r1", plan(), START);
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void shouldPromoteAGoodCandidateThroughItsStepsAndMakeItTheStableDefault() {
        serve(300, 0.0, 0.0);
        judge();
        final RolloutDecision first = decisions.readValue();
        assertThat(first.getAction()).isEqualTo(RolloutAction.PROMOTE);
        assertThat(first.getRevision()).isZero();
        assertThat(first.getEvidence().getBaselineSamples()).isEqualTo(300);
        assertThat(first.getEvidence().getCandidateSamples()).isEqualTo(300);
        assertThat(state().step()).isEqualTo(1);
        assertThat(totals().step()).isEqualTo(1);
        assertThat(totals().candidate().samples()).as("a new step starts its windows afresh").isZero();

        serve(300, 0.0, 0.0);
        judge();
        final RolloutDecision second = decisions.readValue();
        assertThat(second.getAction()).isEqualTo(RolloutAction.PROMOTE);
        assertThat(second.getRevision()).isEqualTo(1);
        assertThat(state().status()).isEqualTo(RolloutState.Status.FINISHED);

        final Map<String, ProviderVersion> settled = latest(versions.readKeyValuesToList());
        assertThat(settled.get(PROVIDER + "/v2").getIsDefault()).isTrue();
        assertThat(settled.get(PROVIDER + "/v2").getWeight()).isEqualTo(100);
        assertThat(settled.get(PROVIDER + "/v1").getIsDefault()).isFalse();
        assertThat(settled.get(PROVIDER + "/v1").getWeight()).isZero();
        assertThat(settled.get(PROVIDER + "/v2").getUpdatedAt()).isAfterOrEqualTo(second.getDecidedAt());
        final Map<String, RegisteredModel> registry = latest(models.readKeyValuesToList());
        assertThat(registry.get("tone_v2").getStage()).as("the candidate's model is tagged stable")
            .isEqualTo(ModelStage.DEPLOYED);
        assertThat(registry.get("tone_v1").getStage()).isEqualTo(ModelStage.RETIRED);
        assertThat(audits.readValuesToList()).extracting(ConfigChange::getAction)
            .contains("promote_rollout", "finish_rollout", "promote_model", "retire_model");

        serve(100, 0.0, 0.0);
        judge();
        assertThat(decisions.isEmpty()).as("a finished rollout is judged no more").isTrue();
        assertThat(totals()).as("nor are its versions' outcomes folded").isNull();
    }

    @Test
    void shouldRollBackACandidateThatFailsItsGateAndPutTheBaselineBack() {
        serve(100, 0.0, 0.0);
        judge();
        assertThat(decisions.readValue().getAction()).isEqualTo(RolloutAction.PROMOTE);
        serve(200, 0.0, 0.5);
        judge();

        final RolloutDecision rollBack = decisions.readValue();
        assertThat(rollBack.getAction()).isEqualTo(RolloutAction.ROLL_BACK);
        assertThat(rollBack.getFailedGate()).isEqualTo("error_rate <= baseline + 0.05");
        assertThat(rollBack.getEvidence().getCandidateFailures()).isEqualTo(100);
        assertThat(state().status()).isEqualTo(RolloutState.Status.ROLLED_BACK);
        final Map<String, ProviderVersion> settled = latest(versions.readKeyValuesToList());
        assertThat(settled.get(PROVIDER + "/v2").getWeight()).isZero();
        assertThat(settled.get(PROVIDER + "/v2").getIsDefault()).isFalse();
        assertThat(settled).doesNotContainKey(PROVIDER + "/v1"); // the default already, weight unchanged
        assertThat(latest(models.readKeyValuesToList())).isEmpty();
    }

    @Test
    void shouldRollBackACandidateTheProberTookOutOfTrafficRatherThanWaitForSamplesThatCannotCome() {
        serve(20, 0.0, 0.0);
        judge();
        assertThat(decisions.readValue().getAction()).isEqualTo(RolloutAction.HOLD);
        final TestInputTopic<String, HealthEvent> health = driver.createInputTopic(Topics.PROVIDER_HEALTH,
            new StringSerializer(), EventSerdes.healthEvent().serializer());
        health.pipeInput(PROVIDER + "/v2", probe("degraded", 1), clock.instant());
        judge();
        assertThat(decisions.isEmpty()).as("a degraded candidate still takes traffic: the step waits").isTrue();

        health.pipeInput(PROVIDER + "/v2", probe("unhealthy", 3), clock.instant());
        judge();

        final RolloutDecision rollBack = decisions.readValue();
        assertThat(rollBack.getAction()).isEqualTo(RolloutAction.ROLL_BACK);
        assertThat(rollBack.getFailedGate()).isEqualTo(RolloutJudgement.CANDIDATE_HEALTH);
        assertThat(rollBack.getReason()).contains("out of traffic", "prober p-1 reports it unhealthy",
            "3 failed probes in a row", "HTTP 503");
        assertThat(rollBack.getEvidence().getCandidateSamples()).isEqualTo(20);
        assertThat(state().status()).isEqualTo(RolloutState.Status.ROLLED_BACK);
        assertThat(latest(versions.readKeyValuesToList()).get(PROVIDER + "/v2").getWeight()).isZero();
    }

    @Test
    void shouldHoldWhileTheStepIsShortOfItsSampleAndWriteHoldsOnlyNowAndThen() {
        serve(20, 0.0, 0.0);
        judge();
        final RolloutDecision hold = decisions.readValue();
        assertThat(hold.getAction()).isEqualTo(RolloutAction.HOLD);
        assertThat(hold.getReason()).isEqualTo("the candidate has 20 of the step's 100 samples");
        judge();
        assertThat(decisions.isEmpty()).isTrue();
        assertThat(state().revision()).as("a hold changes nothing").isZero();
    }

    @Test
    void shouldLeaveRequestsPinnedToTheCandidateOutOfTheCanarysEvidence() {
        clock.advance(Duration.ofMillis(10));
        for (int i = 0; i < 200; i++) { // a client trying the candidate by name, every request failing
            outcomes.pipeInput(PROVIDER + "/v2", outcome("v2", true, SelectionReason.PINNED), clock.instant());
        }
        serve(100, 0.0, 0.0);
        judge();

        final RolloutDecision promote = decisions.readValue();
        assertThat(promote.getAction()).isEqualTo(RolloutAction.PROMOTE);
        assertThat(promote.getEvidence().getCandidateSamples()).isEqualTo(100);
        assertThat(promote.getEvidence().getCandidateFailures()).isZero();
    }

    @Test
    void shouldNotJudgeAPausedRolloutAndIgnoreADecisionOnAStaleRevision() {
        decisionsIn.pipeInput("r1", operator(RolloutAction.PAUSE, 0), clock.instant());
        decisions.readValuesToList();
        serve(300, 0.0, 0.0);
        judge();
        assertThat(decisions.isEmpty()).as("a paused rollout changes nothing by itself").isTrue();

        decisionsIn.pipeInput("r1", operator(RolloutAction.ABORT, 0), clock.instant()); // stale: revision 1 now
        assertThat(state().status()).isEqualTo(RolloutState.Status.PAUSED);
        decisionsIn.pipeInput("r1", operator(RolloutAction.RESUME, 1), clock.instant());
        decisionsIn.pipeInput("r1", operator(RolloutAction.RESUME, 1), clock.instant()); // written twice
        decisions.readValuesToList();
        assertThat(state().revision()).isEqualTo(2);
        judge();
        assertThat(decisions.readValue().getAction()).isEqualTo(RolloutAction.PROMOTE);
        assertThat(audits.readValuesToList()).extracting(ConfigChange::getAction)
            .containsExactly("pause_rollout", "resume_rollout", "promote_rollout");
    }

    @Test
    void shouldRollBackOnClientsScoresJoinedToTheRequestsEachVersionServed() {
        final Rollout scored = Rollout.newBuilder(plan()).setId("q1").setProvider("Scored")
            .setGates(List.of(new RolloutGate(RolloutMetric.QUALITY_SCORE, RolloutGateKind.VS_BASELINE, 0.05)))
            .build();
        driver.createInputTopic(Topics.ROLLOUTS, new StringSerializer(), EventSerdes.rollout().serializer())
            .pipeInput("q1", scored, clock.instant());
        final TestInputTopic<String, ExperimentFeedback> feedback = driver.createInputTopic(
            Topics.EXPERIMENT_FEEDBACK, new StringSerializer(), EventSerdes.experimentFeedback().serializer());
        clock.advance(Duration.ofMillis(10));
        for (int i = 0; i < 120; i++) {
            for (final String version : List.of("v1", "v2")) {
                final String request = "q-" + version + "-" + i;
                outcomes.pipeInput("LLM/Scored/" + version, RequestOutcome.newBuilder(outcome(version, false))
                    .setName("Scored").setRequestId(request).build(), clock.instant());
                final double score = (version.equals("v1") ? 0.9 : 0.6) + (i % 2 == 0 ? 0.05 : -0.05);
                feedback.pipeInput(request, new ExperimentFeedback(request, RolloutScores.scoreOf("q1"), score,
                    clock.instant(), "test"), clock.instant());
            }
        }
        feedback.pipeInput("q-v2-0", new ExperimentFeedback("q-v2-0", "another-experiment", 0.0, clock.instant(),
            "test"), clock.instant()); // another experiment's score of the same request counts not here
        judge();

        final KeyValueStore<String, RolloutState> states = driver.getKeyValueStore(RolloutTopology.STATES_STORE);
        assertThat(states.get("q1").status()).isEqualTo(RolloutState.Status.ROLLED_BACK);
        final RolloutDecision rollBack = decisions.readValuesToList().stream()
            .filter(d -> d.getRolloutId().equals("q1")).findFirst().orElseThrow();
        assertThat(rollBack.getFailedGate()).isEqualTo("quality_score >= baseline - 0.05");
        assertThat(rollBack.getEvidence().getGates().get(0).getEstimate()).isCloseTo(-0.3,
            org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void shouldKeepTheFeedbackTopicOutOfTheOutcomesSubTopology() {
        final StreamsBuilder builder = new StreamsBuilder();
        TestTopology.build(builder, clock);

        // An outcome task that also read the feedback topic would wait on its (mostly empty) partitions.
        final TopologyDescription.Subtopology outcomes = builder.build().describe().subtopologies().stream()
            .filter(sub -> topics(sub).contains(Topics.REQUEST_OUTCOMES)).findFirst().orElseThrow();
        assertThat(topics(outcomes)).containsExactly(Topics.REQUEST_OUTCOMES);
    }

    private static List<String> topics(final TopologyDescription.Subtopology subtopology) {
        return subtopology.nodes().stream().filter(node -> node instanceof TopologyDescription.Source)
            .flatMap(node -> ((TopologyDescription.Source) node).topicSet().stream()).toList();
    }

    /** Serves {@code n} requests on each version, failing the given shares. */
    private void serve(final int n, final double baselineErrors, final double candidateErrors) {
        clock.advance(Duration.ofMillis(10));
        for (int i = 0; i < n; i++) {
            outcomes.pipeInput(PROVIDER + "/v1", outcome("v1", i < n * baselineErrors), clock.instant());
            outcomes.pipeInput(PROVIDER + "/v2", outcome("v2", i < n * candidateErrors), clock.instant());
        }
    }

    private void judge() {
        clock.advance(Duration.ofSeconds(5));
        driver.advanceWallClockTime(Duration.ofSeconds(5));
    }

    private RolloutState state() {
        final KeyValueStore<String, RolloutState> store = driver.getKeyValueStore(RolloutTopology.STATES_STORE);
        return store.get("r1");
    }

    private StepTotals totals() {
        final KeyValueStore<String, StepTotals> store = driver.getKeyValueStore(RolloutTopology.TOTALS_STORE);
        return store.get("r1");
    }

    private static <V> Map<String, V> latest(final List<KeyValue<String, V>> records) {
        return records.stream().collect(Collectors.toMap(r -> r.key, r -> r.value, (a, b) -> b));
    }

    private RolloutDecision operator(final RolloutAction action, final long revision) {
        return RolloutDecision.newBuilder().setDecisionId(action + "-" + revision + "-" + System.nanoTime())
            .setRolloutId("r1").setRevision(revision).setStep(0).setAction(action).setReason("operator")
            .setDecidedBy("ops@example.com").setDecidedAt(clock.instant()).setEvidence(null).setFailedGate(null)
            .build();
    }

    private HealthEvent probe(final String status, final int failures) {
        return HealthEvent.newBuilder().setCategory("LLM").setName("OllamaLLM").setVersion("v2")
            .setCheckedAt(clock.instant()).setHealthy(!"unhealthy".equals(status)).setHttpStatus(503)
            .setError("HTTP 503").setConsecutiveFailures(failures).setProberInstance("p-1").setStatus(status).build();
    }

    private static Rollout plan() {
        return Rollout.newBuilder().setId("r1").setCategory("LLM").setProvider("OllamaLLM").setBaseline("v1")
            .setCandidate("v2")
            .setSteps(List.of(new RolloutStep(10.0, 0L, 100L), new RolloutStep(50.0, 0L, 100L)))
            .setGates(List.of(new RolloutGate(RolloutMetric.ERROR_RATE, RolloutGateKind.VS_BASELINE, 0.05)))
            .setOnFailure(RolloutFailureAction.ROLL_BACK).setSalt("salt").setDeclaredIn(RolloutSource.API)
            .setCreatedBy("test").setCreatedAt(START).build();
    }

    private static ProviderVersion version(final String name, final int weight, final boolean isDefault) {
        return ProviderVersion.newBuilder().setCategory("LLM").setName("OllamaLLM").setVersion(name)
            .setType("openai").setModelName("m").setUrl("http://localhost:1").setWeight(weight).setIsActive(true)
            .setIsDefault(isDefault).setCreatedAt(START).setUpdatedAt(START).build();
    }

    private static RegisteredModel model(final String id, final String version, final ModelStage stage) {
        return RegisteredModel.newBuilder().setModelId(id).setAlgorithmName("tone").setCategory("LLM")
            .setProvider("OllamaLLM").setVersion(version).setModelPath(null).setTrainingParams("{}")
            .setPerformanceMetrics(Map.of()).setDescription(null).setCreatedBy("test").setCreatedAt(START)
            .setStage(stage).setStageChangedAt(START).setStageChangedBy("test").build();
    }

    private RequestOutcome outcome(final String version, final boolean failed) {
        return outcome(version, failed, SelectionReason.STICKY_ROLLOUT);
    }

    private RequestOutcome outcome(final String version, final boolean failed, final SelectionReason reason) {
        return RequestOutcome.newBuilder()
            .setRequestId("r").setEventTime(clock.instant()).setCategory("LLM").setName("OllamaLLM")
            .setVersion(version).setModelName("m").setSelectionReason(reason)
            .setStatus(failed ? OutcomeStatus.UPSTREAM_ERROR : OutcomeStatus.SUCCESS)
            .setHttpStatus(failed ? 503 : 200).setLatencyMs(100).setStreamed(false).setAttempt(1)
            .setRouterInstance("test").build();
    }
}
