package dev.switchboard.stats.canary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.switchboard.stats.experiment.ConfidenceSequence;
import dev.switchboard.stats.experiment.Estimate;
import dev.switchboard.stats.experiment.Moments;
import dev.switchboard.stats.experiment.Significance;
import dev.switchboard.stats.sketch.Distribution;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CanaryJudgeTest {

    private static final CanaryJudge JUDGE = CanaryJudge.defaults();
    private static final CanaryJudge.Step STEP = new CanaryJudge.Step(Duration.ofMinutes(10), 1_000);
    private static final List<Gate> ONE_POINT = List.of(errorRateVsBaseline(0.01));

    @Test
    void shouldRollBackACandidateWhoseWholeIntervalIsPastTheGateEvenBeforeTheStepsMinimumTime() {
        final CanaryDecision decision = JUDGE.judge(ONE_POINT, STEP,
            counts(10_000, 200, 1_000, 150, Duration.ofMinutes(2)));

        assertThat(decision).isInstanceOf(CanaryDecision.RollBack.class);
        assertThat(((CanaryDecision.RollBack) decision).failed()).isEqualTo(ONE_POINT.get(0));
        assertThat(decision.gates().get(0).estimate().low()).isGreaterThan(0.01);
        assertThat(decision.gates().get(0).estimate().value()).isCloseTo(0.13, offset(1e-9));
    }

    @Test
    void shouldNotRollBackOnTheFirstFewSamplesWhateverTheyShow() {
        final CanaryDecision decision = JUDGE.judge(ONE_POINT, STEP,
            counts(1_000, 20, 20, 20, Duration.ofSeconds(10)));

        assertThat(decision).isInstanceOf(CanaryDecision.Hold.class);
        assertThat(decision.gates().get(0).state()).isEqualTo(CanaryDecision.State.FAILING);
    }

    @Test
    void shouldHoldAPassingCandidateUntilTheStepHasRunItsTimeAndSample() {
        final CanaryEvidence early = counts(90_000, 1_800, 10_000, 200, Duration.ofMinutes(5));
        final CanaryEvidence fewSamples = counts(90_000, 1_800, 900, 18, Duration.ofMinutes(15));
        final CanaryEvidence done = counts(90_000, 1_800, 10_000, 200, Duration.ofMinutes(15));

        assertThat(JUDGE.judge(ONE_POINT, STEP, early)).isInstanceOf(CanaryDecision.Hold.class);
        assertThat(((CanaryDecision.Hold) JUDGE.judge(ONE_POINT, STEP, fewSamples)).why()).contains("900 of the step's 1000");
        assertThat(JUDGE.judge(ONE_POINT, STEP, done)).isInstanceOf(CanaryDecision.Promote.class);
    }

    @Test
    void shouldFailTheStepOfACandidateOutOfTrafficRatherThanHoldForEvidenceThatCannotCome() {
        final CanaryEvidence starved = counts(9_000, 180, 103, 12, Duration.ofMinutes(15));
        final CanaryEvidence passing = counts(90_000, 1_800, 10_000, 200, Duration.ofMinutes(15));
        final Optional<String> unhealthy = Optional.of("prober p-1 reports it unhealthy");

        assertThat(JUDGE.judge(ONE_POINT, STEP, starved)).isInstanceOf(CanaryDecision.Hold.class);
        assertThat(JUDGE.judge(ONE_POINT, STEP, starved, unhealthy))
            .isEqualTo(new CanaryDecision.OutOfRotation(JUDGE.judge(ONE_POINT, STEP, starved).gates(), unhealthy.get()));
        assertThat(JUDGE.judge(ONE_POINT, STEP, passing, unhealthy)).as("an unhealthy candidate is never promoted")
            .isInstanceOf(CanaryDecision.OutOfRotation.class);
        assertThat(JUDGE.judge(ONE_POINT, STEP, counts(10_000, 200, 1_000, 150, Duration.ofMinutes(2)), unhealthy))
            .as("a failing gate still names itself").isInstanceOf(CanaryDecision.RollBack.class);
    }

    @Test
    void shouldHoldWhileAGateIsUndecided() {
        final CanaryDecision decision = JUDGE.judge(ONE_POINT, STEP,
            counts(9_000, 180, 1_000, 30, Duration.ofMinutes(15)));

        assertThat(decision).isInstanceOf(CanaryDecision.Hold.class);
        assertThat(decision.gates().get(0).state()).isEqualTo(CanaryDecision.State.UNDECIDED);
    }

    @Test
    void shouldHoldAnAbsoluteGateToTheCandidatesOwnRate() {
        final List<Gate> atMostFivePercent = List.of(errorRateAtMost(0.05));

        assertThat(JUDGE.judge(atMostFivePercent, STEP, counts(0, 0, 2_000, 400, Duration.ofMinutes(1))))
            .isInstanceOf(CanaryDecision.RollBack.class);
        assertThat(JUDGE.judge(atMostFivePercent, STEP, counts(0, 0, 5_000, 50, Duration.ofMinutes(20))))
            .isInstanceOf(CanaryDecision.Promote.class);
    }

    @Test
    void shouldGiveAnIntervalWiderThanAFixedSampleOneAndNarrowingWithTheSample() {
        final Estimate sequential = ConfidenceSequence.difference(1_000, 50_000, 120, 5_000, 0.05, 0.02);
        final Estimate fixed = Significance.twoProportions(49_000, 50_000, 4_880, 5_000, 0.95).difference();
        final Estimate more = ConfidenceSequence.difference(10_000, 500_000, 1_200, 50_000, 0.05, 0.02);

        assertThat(sequential.value()).isCloseTo(0.004, offset(1e-12));
        assertThat(sequential.high() - sequential.low()).isGreaterThan(fixed.high() - fixed.low());
        assertThat(more.high() - more.low()).isLessThan(sequential.high() - sequential.low());
        assertThat(ConfidenceSequence.rate(0, 100, 0.05, 0.02).high()).as("no failures yet is not certainty")
            .isGreaterThan(0);
    }

    @Test
    void shouldRollBackACandidateWhoseP95IsSurelyOverAnAbsoluteLimitAndPromoteOneSurelyUnderIt() {
        final List<Gate> p95AtMost800 = List.of(new Gate(Gate.Metric.LATENCY_P95, Gate.Kind.ABSOLUTE, 800));

        final CanaryDecision slow = JUDGE.judge(p95AtMost800, STEP, latencies(300, 2_000, 1_000));
        final CanaryDecision fast = JUDGE.judge(p95AtMost800, STEP, latencies(300, 300, 2_000));

        assertThat(slow).isInstanceOf(CanaryDecision.RollBack.class);
        assertThat(slow.gates().get(0).estimate().low()).isGreaterThan(800);
        assertThat(fast).isInstanceOf(CanaryDecision.Promote.class);
        assertThat(fast.gates().get(0).estimate().value()).isCloseTo(570, offset(10.0));
    }

    @Test
    void shouldJudgeAP95AgainstTheBaselinesOnTheSameWindows() {
        final List<Gate> within100ms = List.of(new Gate(Gate.Metric.LATENCY_P95, Gate.Kind.VS_BASELINE, 100));

        assertThat(JUDGE.judge(within100ms, STEP, latencies(1_000, 1_400, 2_000)))
            .isInstanceOf(CanaryDecision.RollBack.class);
        assertThat(JUDGE.judge(within100ms, STEP, latencies(1_000, 1_000, 2_000)))
            .isInstanceOf(CanaryDecision.Promote.class);
    }

    @Test
    void shouldJudgeTimeToFirstTokenOnStreamedRequestsOnly() {
        final List<Gate> ttft = List.of(new Gate(Gate.Metric.TIME_TO_FIRST_TOKEN_P95, Gate.Kind.ABSOLUTE, 200));
        final CanaryEvidence.Side candidate = new CanaryEvidence.Side(5_000, 0, uniform(100, 5_000),
            uniform(900, 20), Moments.EMPTY);

        final CanaryDecision decision = JUDGE.judge(ttft, STEP, new CanaryEvidence(CanaryEvidence.Side.ofCounts(0, 0),
            candidate, Duration.ofMinutes(20)));

        assertThat(decision.gates().get(0).state()).isEqualTo(CanaryDecision.State.FAILING);
        assertThat(decision).as("20 streamed requests are too few to roll back on")
            .isInstanceOf(CanaryDecision.Hold.class);
    }

    @Test
    void shouldRollBackOnAQualityScoreSurelyBelowTheBaselinesAndKeepOneThatIsNot() {
        final List<Gate> score = List.of(new Gate(Gate.Metric.QUALITY_SCORE, Gate.Kind.VS_BASELINE, 0.05));

        final CanaryDecision worse = JUDGE.judge(score, STEP, scores(0.85, 0.7, 2_000));
        final CanaryDecision same = JUDGE.judge(score, STEP, scores(0.85, 0.85, 2_000));

        assertThat(worse).isInstanceOf(CanaryDecision.RollBack.class);
        assertThat(worse.gates().get(0).estimate().value()).isCloseTo(-0.15, offset(0.01));
        assertThat(same).isInstanceOf(CanaryDecision.Promote.class);
    }

    @Test
    void shouldRefuseAJudgeWithoutGates() {
        assertThatThrownBy(() -> JUDGE.judge(List.of(), STEP, counts(1, 0, 1, 0, Duration.ZERO)))
            .isInstanceOf(IllegalArgumentException.class);
    }

    /** Latencies spread evenly over [0, 2 x median) on each side: p95 is 1.9 x the median. */
    private static CanaryEvidence latencies(final double baselineMedian, final double candidateMedian,
                                            final int samples) {
        return new CanaryEvidence(
            new CanaryEvidence.Side(samples * 9L, 0, uniform(2 * baselineMedian, samples * 9), Distribution.empty(),
                Moments.EMPTY),
            new CanaryEvidence.Side(samples, 0, uniform(2 * candidateMedian, samples), Distribution.empty(),
                Moments.EMPTY),
            Duration.ofMinutes(20));
    }

    private static Distribution uniform(final double upTo, final int count) {
        final Distribution values = Distribution.empty();
        for (int i = 0; i < count; i++) {
            values.add(upTo * i / count);
        }
        return values;
    }

    @Test
    void shouldRollBackACandidateThatCostsThirtyPercentMorePerRequestThanATenPercentGateAllowsAndPassOneAtFive() {
        final List<Gate> tenPercent = List.of(new Gate(Gate.Metric.COST_PER_REQUEST, Gate.Kind.VS_BASELINE, 0.10));
        final CanaryJudge.Step step = new CanaryJudge.Step(Duration.ZERO, 500);

        // Per-request costs vary with the tokens each answer counted: around $0.002 for the baseline.
        final CanaryDecision dearer = JUDGE.judge(tenPercent, step, costs(0.002, 0.002 * 1.3, 500));
        final CanaryDecision close = JUDGE.judge(tenPercent, step, costs(0.002, 0.002 * 1.05, 20_000));

        assertThat(dearer).isInstanceOf(CanaryDecision.RollBack.class);
        assertThat(((CanaryDecision.RollBack) dearer).failed().describe()).isEqualTo("cost_per_request <= baseline x 1.1");
        assertThat(dearer.gates().get(0).estimate().low()).as("candidate less 1.1 x baseline").isGreaterThan(0);
        assertThat(close).isInstanceOf(CanaryDecision.Promote.class);
    }

    /** Costs spread +-20% around each side's mean per request; the baseline has four times the requests. */
    private static CanaryEvidence costs(final double baselineMean, final double candidateMean, final int requests) {
        return new CanaryEvidence(
            new CanaryEvidence.Side(requests * 4L, 0, Distribution.empty(), Distribution.empty(), Moments.EMPTY,
                spread(baselineMean, requests * 4)),
            new CanaryEvidence.Side(requests, 0, Distribution.empty(), Distribution.empty(), Moments.EMPTY,
                spread(candidateMean, requests)),
            Duration.ofMinutes(20));
    }

    private static Moments spread(final double mean, final int count) {
        Moments moments = Moments.EMPTY;
        for (int i = 0; i < count; i++) {
            moments = moments.plus(mean * (0.8 + 0.4 * i / (count - 1.0)));
        }
        return moments;
    }

    /** Scores alternating mean +- 0.1 on each side. */
    private static CanaryEvidence scores(final double baselineMean, final double candidateMean, final int scored) {
        return new CanaryEvidence(
            new CanaryEvidence.Side(scored, 0, Distribution.empty(), Distribution.empty(), alternating(baselineMean,
                scored * 4)),
            new CanaryEvidence.Side(scored, 0, Distribution.empty(), Distribution.empty(), alternating(candidateMean,
                scored)),
            Duration.ofMinutes(20));
    }

    private static Moments alternating(final double mean, final int count) {
        Moments moments = Moments.EMPTY;
        for (int i = 0; i < count; i++) {
            moments = moments.plus(mean + (i % 2 == 0 ? 0.1 : -0.1));
        }
        return moments;
    }

    private static CanaryEvidence counts(final long baselineSamples, final long baselineFailures,
                                         final long candidateSamples, final long candidateFailures,
                                         final Duration inStep) {
        return new CanaryEvidence(CanaryEvidence.Side.ofCounts(baselineSamples, baselineFailures),
            CanaryEvidence.Side.ofCounts(candidateSamples, candidateFailures), inStep);
    }

    private static Gate errorRateVsBaseline(final double maxWorse) {
        return new Gate(Gate.Metric.ERROR_RATE, Gate.Kind.VS_BASELINE, maxWorse);
    }

    private static Gate errorRateAtMost(final double max) {
        return new Gate(Gate.Metric.ERROR_RATE, Gate.Kind.ABSOLUTE, max);
    }
}
