package dev.switchboard.stats.experiment.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.events.AdaptiveSettings;
import dev.switchboard.events.AllocationState;
import dev.switchboard.events.ArmAllocation;
import dev.switchboard.events.EnrolledBuckets;
import dev.switchboard.events.Experiment;
import dev.switchboard.events.ExperimentAllocation;
import dev.switchboard.events.ExperimentArm;
import dev.switchboard.events.ExperimentMetric;
import dev.switchboard.events.ExperimentMode;
import dev.switchboard.events.ExperimentStatus;
import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.events.RequestOutcome;
import dev.switchboard.events.RolloutGate;
import dev.switchboard.events.RolloutGateKind;
import dev.switchboard.events.RolloutMetric;
import dev.switchboard.events.SelectionReason;
import dev.switchboard.schemas.EnrollmentLayout;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.Topics;
import dev.switchboard.stats.canary.GuardrailJudge;
import dev.switchboard.stats.daily.OutcomeFactsDeserializer;
import dev.switchboard.stats.topology.TestTopology;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.junit.jupiter.api.Test;

/**
 * Adaptive experiments and guardrails on the app's topology: outcomes in, allocation decisions out. Each simulated
 * subject's outcome comes from the arm the last decision's layout puts it in, as routers would send it.
 */
class AllocationTopologyTest {

    private static final Instant START = Instant.parse("2026-12-07T09:00:00Z");
    private static final List<String> ARMS = List.of("model_a", "model_b", "model_c");

    @Test
    void shouldMoveSubjectsTowardTheBetterArmKeepThemInTheirArmsAndStopWithItAsTheWinner() {
        final Experiment experiment = adaptive("search", ExperimentMetric.SUCCESS_RATE, List.of());
        final Map<String, Double> success = Map.of("model_a", 0.85, "model_b", 0.85, "model_c", 0.95);

        final Run run = run(experiment, arm -> outcomeOf(arm, success.get(arm), 200), 30_000, 1);

        final List<ExperimentAllocation> decisions = run.decisions();
        assertThat(decisions).isNotEmpty();
        final ExperimentAllocation last = decisions.get(decisions.size() - 1);
        assertThat(last.getState()).isEqualTo(AllocationState.BEST_FOUND);
        assertThat(last.getWinner()).isEqualTo("model_c");
        assertThat(last.getLayout()).containsExactly(new EnrolledBuckets(0, EnrollmentLayout.BUCKETS, "model_c"));
        assertThat(decisions.get(0).getOutcomesSeen()).isEqualTo(100);
        assertThat(share(decisions.get(decisions.size() / 2), "model_c"))
            .as("halfway, the better arm has more than an equal share").isGreaterThan(1.0 / 3);
        for (int i = 1; i < decisions.size(); i++) {
            assertKeptTheirArms(decisions.get(i - 1), decisions.get(i));
        }
        assertThat(last.getArms()).filteredOn(arm -> !arm.getArm().equals("model_c"))
            .allSatisfy(arm -> assertThat(arm.getEliminated()).contains("model_c"));
    }

    @Test
    void shouldMakeTheSameDecisionsWhenTheSameOutcomesAreReplayed() {
        final Experiment experiment = adaptive("replayed", ExperimentMetric.SUCCESS_RATE, List.of());
        final Map<String, Double> success = Map.of("model_a", 0.85, "model_b", 0.90, "model_c", 0.95);

        final Run first = run(experiment, arm -> outcomeOf(arm, success.get(arm), 200), 1_200, 2);
        final List<RequestOutcome> reordered = new ArrayList<>(first.inputs());
        for (int i = 0; i + 1 < reordered.size(); i += 2) { // neighbours a tenth of a second apart, swapped
            Collections.swap(reordered, i, i + 1);
        }
        final Run replay = replay(experiment, reordered);

        assertThat(first.decisions()).hasSizeGreaterThan(9);
        assertThat(first.decisions()).allSatisfy(decision -> assertThat(decision.getLateOutcomes()).isZero());
        assertThat(replay.decisions()).as("the same outcomes in another order within the grace")
            .isEqualTo(first.decisions());
    }

    @Test
    void shouldCountAnOutcomeForAPeriodAlreadyDecidedAsLateAndLeaveItOutOfEveryDecision() {
        final Experiment experiment = adaptive("late", ExperimentMetric.SUCCESS_RATE, List.of());
        final Map<String, Double> success = Map.of("model_a", 0.9, "model_b", 0.9, "model_c", 0.9);
        final Run first = run(experiment, arm -> outcomeOf(arm, success.get(arm), 200), 400, 5);
        final RequestOutcome early = first.inputs().get(0);
        final List<RequestOutcome> withLate = new ArrayList<>(first.inputs());
        withLate.add(250, RequestOutcome.newBuilder(early).setRequestId("late").build()); // period 0, decided by now

        final List<ExperimentAllocation> decisions = replay(experiment, withLate).decisions();

        assertThat(decisions.get(0).getLateOutcomes()).isZero();
        assertThat(decisions.get(decisions.size() - 1).getLateOutcomes()).isEqualTo(1);
        assertThat(decisions.get(decisions.size() - 1).getOutcomesSeen())
            .isEqualTo(first.decisions().get(first.decisions().size() - 1).getOutcomesSeen());
    }

    @Test
    void shouldEliminateTheBestScoringArmOnceItBreachesAGuardrail() {
        // model_c answers fastest, which is what the experiment optimizes, but fails a fifth of its requests.
        final Experiment experiment = adaptive("guarded", ExperimentMetric.LATENCY,
            List.of(new RolloutGate(RolloutMetric.ERROR_RATE, RolloutGateKind.VS_BASELINE, 0.02)));
        final Map<String, Long> latency = Map.of("model_a", 400L, "model_b", 420L, "model_c", 150L);

        final Run run = run(experiment, arm -> outcomeOf(arm, arm.equals("model_c") ? 0.80 : 0.99, latency.get(arm)),
            30_000, 3);

        final ExperimentAllocation eliminating = run.decisions().stream()
            .filter(decision -> eliminated(decision, "model_c") != null).findFirst().orElseThrow();
        assertThat(eliminated(eliminating, "model_c")).startsWith("guardrail error_rate <= baseline + 0.02 failed");
        assertThat(share(eliminating, "model_c")).isZero();
        assertThat(eliminating.getLayout()).noneMatch(range -> range.getArm().equals("model_c"));
        final ExperimentAllocation last = run.decisions().get(run.decisions().size() - 1);
        assertThat(last.getWinner()).as("the fastest arm that keeps its guardrails").isEqualTo("model_a");
    }

    @Test
    void shouldFindTheBestQualityUnderACostCeiling() {
        // model_c succeeds most often but costs twice the ceiling; model_b is the best within it.
        final Experiment experiment = adaptive("ceiling", ExperimentMetric.SUCCESS_RATE,
            List.of(new RolloutGate(RolloutMetric.COST_PER_REQUEST, RolloutGateKind.ABSOLUTE, 0.002)));
        final Map<String, Function<SplittableRandom, Simulated>> arms = Map.of(
            "model_a", pricedOutcomeOf(0.85, 0.0010), "model_b", pricedOutcomeOf(0.95, 0.0015),
            "model_c", pricedOutcomeOf(0.99, 0.0040));

        final Run run = run(experiment, arms::get, 30_000, 11);

        final ExperimentAllocation last = run.decisions().get(run.decisions().size() - 1);
        assertThat(eliminated(last, "model_c")).startsWith("guardrail cost_per_request <= 0.002").contains("failed");
        assertThat(last.getState()).isEqualTo(AllocationState.BEST_FOUND);
        assertThat(last.getWinner()).as("the most successful arm within the ceiling").isEqualTo("model_b");
    }

    @Test
    void shouldFindTheCheapestArmWhenCostIsTheMetric() {
        final Experiment experiment = adaptive("cheapest", ExperimentMetric.COST_PER_REQUEST, List.of());
        final Map<String, Function<SplittableRandom, Simulated>> arms = Map.of(
            "model_a", pricedOutcomeOf(0.95, 0.0015), "model_b", pricedOutcomeOf(0.95, 0.0010),
            "model_c", pricedOutcomeOf(0.95, 0.0016));

        final Run run = run(experiment, arms::get, 30_000, 12);

        final ExperimentAllocation last = run.decisions().get(run.decisions().size() - 1);
        assertThat(last.getMetric()).isEqualTo("cost_per_request");
        assertThat(last.getState()).isEqualTo(AllocationState.BEST_FOUND);
        assertThat(last.getWinner()).isEqualTo("model_b");
        final ArmAllocation cheapest = last.getArms().stream().filter(arm -> arm.getArm().equals("model_b"))
            .findFirst().orElseThrow();
        assertThat(cheapest.getEstimate()).as("dollars per request").isCloseTo(0.0010, within(0.0001));
    }

    @Test
    void shouldStopAFixedArmThatBreachesAGuardrailAndSendItsSubjectsBackToTheControl() {
        final Experiment experiment = Experiment.newBuilder(adaptive("fixed", ExperimentMetric.SUCCESS_RATE,
                List.of(new RolloutGate(RolloutMetric.ERROR_RATE, RolloutGateKind.VS_BASELINE, 0.02))))
            .setMode(ExperimentMode.FIXED).setAdaptive(null).setAlpha(0.05).build();

        final Run run = run(experiment, arm -> outcomeOf(arm, arm.equals("model_b") ? 0.7 : 0.99, 200), 3_000, 4);

        assertThat(run.decisions()).hasSize(1);
        final ExperimentAllocation stop = run.decisions().get(0);
        assertThat(stop.getState()).isEqualTo(AllocationState.ARM_STOPPED);
        assertThat(eliminated(stop, "model_b")).startsWith("guardrail error_rate");
        assertThat(eliminated(stop, "model_c")).isNull();
        assertThat(stop.getLayout()).noneMatch(range -> range.getArm().equals("model_b"));
        assertThat(stop.getLayout()).as("model_b's third went to model_a, model_c's stayed").containsExactly(
            new EnrolledBuckets(0, 6_667, "model_a"), new EnrolledBuckets(6_667, 10_000, "model_c"));
        assertThat(EnrollmentLayout.enrolled(stop.getLayout())).isEqualTo(EnrollmentLayout.BUCKETS);
    }

    /** A subject in a bucket enrolled before keeps its arm unless that arm was eliminated. */
    private static void assertKeptTheirArms(final ExperimentAllocation before, final ExperimentAllocation after) {
        for (int bucket = 0; bucket < EnrollmentLayout.BUCKETS; bucket += 7) {
            final String was = armAt(before.getLayout(), bucket);
            if (was != null && eliminated(after, was) == null) {
                assertThat(armAt(after.getLayout(), bucket)).as("bucket %d at decision %d", bucket,
                    after.getSequence()).isEqualTo(was);
            }
        }
    }

    private static String armAt(final List<EnrolledBuckets> layout, final int bucket) {
        return layout.stream().filter(range -> range.getFrom() <= bucket && bucket < range.getTo())
            .map(EnrolledBuckets::getArm).findFirst().orElse(null);
    }

    private static String eliminated(final ExperimentAllocation decision, final String arm) {
        return decision.getArms().stream().filter(a -> a.getArm().equals(arm)).findFirst()
            .map(ArmAllocation::getEliminated).orElse(null);
    }

    private static double share(final ExperimentAllocation decision, final String arm) {
        return decision.getArms().stream().filter(a -> a.getArm().equals(arm)).mapToDouble(ArmAllocation::getShare)
            .findFirst().orElseThrow();
    }

    /** One simulated request: {@code costUsd} null when the version is not priced. */
    private record Simulated(boolean success, long latencyMs, Double costUsd) {
    }

    private static Function<SplittableRandom, Simulated> outcomeOf(final String arm, final double success,
                                                                   final long latencyMs) {
        return random -> new Simulated(random.nextDouble() < success,
            Math.round(latencyMs * (0.5 + random.nextDouble())), null);
    }

    /** A priced version's request: its cost varies by a fifth either way with the tokens it used. */
    private static Function<SplittableRandom, Simulated> pricedOutcomeOf(final double success, final double costUsd) {
        return random -> new Simulated(random.nextDouble() < success, Math.round(200 * (0.5 + random.nextDouble())),
            costUsd * (0.8 + 0.4 * random.nextDouble()));
    }

    private record Run(List<RequestOutcome> inputs, List<ExperimentAllocation> decisions) {
    }

    /**
     * Subjects (a random bucket each) arrive until the search ends or {@code most} outcomes: one in an enrolled
     * bucket is served by its arm, the others are outside the experiment and not sent.
     */
    private static Run run(final Experiment experiment, final Function<String, Function<SplittableRandom, Simulated>>
        arms, final int most, final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        final List<RequestOutcome> inputs = new ArrayList<>();
        final List<ExperimentAllocation> decisions = new ArrayList<>();
        try (Driver driver = new Driver(experiment)) {
            List<EnrolledBuckets> layout = EnrollmentLayout.initial(experiment);
            for (int i = 0; i < most * 5 && inputs.size() < most; i++) {
                final String arm = armAt(layout, random.nextInt(EnrollmentLayout.BUCKETS));
                if (arm == null) {
                    continue;
                }
                final Simulated seen = arms.apply(arm).apply(random);
                final RequestOutcome outcome = outcome(experiment, arm, seen, inputs.size());
                inputs.add(outcome);
                driver.pipe(outcome);
                final List<ExperimentAllocation> now = driver.decisions();
                decisions.addAll(now);
                if (!now.isEmpty()) {
                    final ExperimentAllocation latest = now.get(now.size() - 1);
                    layout = latest.getLayout();
                    if (latest.getState() != AllocationState.EXPLORING) {
                        break;
                    }
                }
            }
        }
        return new Run(inputs, decisions);
    }

    private static Run replay(final Experiment experiment, final List<RequestOutcome> inputs) {
        try (Driver driver = new Driver(experiment)) {
            inputs.forEach(driver::pipe);
            return new Run(inputs, driver.decisions());
        }
    }

    /** The app's topology with one experiment defined. */
    private static final class Driver implements AutoCloseable {

        private final TopologyTestDriver driver;
        private final TestInputTopic<String, RequestOutcome> outcomes;
        private final TestOutputTopic<String, ExperimentAllocation> allocations;

        Driver(final Experiment experiment) {
            // The experiments' part of the app's topology alone: the whole one takes ten times as long a record.
            final StreamsBuilder builder = new StreamsBuilder();
            ExperimentTopology.build(builder, builder.stream(Topics.REQUEST_OUTCOMES,
                    Consumed.with(Serdes.String(), OutcomeFactsDeserializer.serde())),
                ExperimentTopology.clientScores(builder), TestTopology.GRACE, Duration.ofDays(30),
                TestTopology.ALERTS_EVERY, new GuardrailJudge(), TestTopology.STORES);
            final Properties config = TestTopology.driverConfig("allocation-test");
            driver = new TopologyTestDriver(builder.build(), config);
            outcomes = driver.createInputTopic(Topics.REQUEST_OUTCOMES, new StringSerializer(),
                EventSerdes.requestOutcome().serializer());
            allocations = driver.createOutputTopic(Topics.EXPERIMENT_ALLOCATIONS, new StringDeserializer(),
                EventSerdes.experimentAllocation().deserializer());
            driver.createInputTopic(Topics.EXPERIMENTS, new StringSerializer(), EventSerdes.experiment().serializer())
                .pipeInput(experiment.getName(), experiment);
        }

        void pipe(final RequestOutcome outcome) {
            outcomes.pipeInput(outcome.getCategory() + "/" + outcome.getName() + "/" + outcome.getVersion(), outcome,
                outcome.getEventTime());
        }

        List<ExperimentAllocation> decisions() {
            return allocations.readValuesToList();
        }

        @Override
        public void close() {
            driver.close();
        }
    }

    private static Experiment adaptive(final String name, final ExperimentMetric metric,
                                       final List<RolloutGate> guardrails) {
        final List<ExperimentArm> arms = new ArrayList<>();
        for (int i = 0; i < ARMS.size(); i++) {
            arms.add(new ExperimentArm(ARMS.get(i), "v" + (i + 1), 1.0 / ARMS.size()));
        }
        final boolean higherIsBetter = metric == ExperimentMetric.SUCCESS_RATE;
        return Experiment.newBuilder()
            .setName(name).setCategory("LLM").setProvider("P").setArms(arms)
            .setSuccessMetric(metric).setMinimumDetectableEffect(0.05).setAlpha(0.05).setPower(0.95)
            .setMinimumSample(50L).setDurationDays(7)
            .setStatus(ExperimentStatus.RUNNING).setSalt("s").setCreatedBy("test")
            .setCreatedAt(START).setUpdatedAt(START).setStartedAt(START)
            .setMode(ExperimentMode.ADAPTIVE)
            .setAdaptive(new AdaptiveSettings(higherIsBetter, 0.95, 0.05, 100_000L, 3, 10, false))
            .setGuardrails(guardrails)
            .build();
    }

    private static RequestOutcome outcome(final Experiment experiment, final String arm, final Simulated seen,
                                          final int n) {
        final String version = experiment.getArms().stream().filter(a -> a.getName().equals(arm))
            .map(ExperimentArm::getVersion).findFirst().orElseThrow();
        return RequestOutcome.newBuilder()
            .setRequestId("r" + n).setEventTime(START.plusMillis(n * 100L)).setCategory("LLM").setName("P")
            .setVersion(version).setModelName("m").setSelectionReason(SelectionReason.EXPERIMENT)
            .setExperiment(experiment.getName()).setArm(arm)
            .setStatus(seen.success() ? OutcomeStatus.SUCCESS : OutcomeStatus.UPSTREAM_ERROR)
            .setHttpStatus(seen.success() ? 200 : 503).setLatencyMs(seen.latencyMs()).setCompletionTokens(10)
            .setStreamed(false).setAttempt(1).setRouterInstance("test").setCost(seen.costUsd())
            .build();
    }
}
