package dev.switchboard.stats.canary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.switchboard.stats.experiment.Estimate;
import dev.switchboard.stats.experiment.Significance;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CanaryJudgeTest {

    private static final CanaryJudge JUDGE = CanaryJudge.defaults();
    private static final CanaryJudge.Step STEP = new CanaryJudge.Step(Duration.ofMinutes(10), 1_000);
    private static final List<Gate> ONE_POINT = List.of(new Gate.ErrorRateVsBaseline(0.01));

    @Test
    void shouldRollBackACandidateWhoseWholeIntervalIsPastTheGateEvenBeforeTheStepsMinimumTime() {
        final CanaryDecision decision = JUDGE.judge(ONE_POINT, STEP,
            new CanaryEvidence(10_000, 200, 1_000, 150, Duration.ofMinutes(2)));

        assertThat(decision).isInstanceOf(CanaryDecision.RollBack.class);
        assertThat(((CanaryDecision.RollBack) decision).failed()).isEqualTo(ONE_POINT.get(0));
        assertThat(decision.gates().get(0).estimate().low()).isGreaterThan(0.01);
        assertThat(decision.gates().get(0).estimate().value()).isCloseTo(0.13, offset(1e-9));
    }

    @Test
    void shouldNotRollBackOnTheFirstFewSamplesWhateverTheyShow() {
        final CanaryDecision decision = JUDGE.judge(ONE_POINT, STEP,
            new CanaryEvidence(1_000, 20, 20, 20, Duration.ofSeconds(10)));

        assertThat(decision).isInstanceOf(CanaryDecision.Hold.class);
        assertThat(decision.gates().get(0).state()).isEqualTo(CanaryDecision.State.FAILING);
    }

    @Test
    void shouldHoldAPassingCandidateUntilTheStepHasRunItsTimeAndSample() {
        final CanaryEvidence early = new CanaryEvidence(90_000, 1_800, 10_000, 200, Duration.ofMinutes(5));
        final CanaryEvidence fewSamples = new CanaryEvidence(90_000, 1_800, 900, 18, Duration.ofMinutes(15));
        final CanaryEvidence done = new CanaryEvidence(90_000, 1_800, 10_000, 200, Duration.ofMinutes(15));

        assertThat(JUDGE.judge(ONE_POINT, STEP, early)).isInstanceOf(CanaryDecision.Hold.class);
        assertThat(((CanaryDecision.Hold) JUDGE.judge(ONE_POINT, STEP, fewSamples)).why()).contains("900 of the step's 1000");
        assertThat(JUDGE.judge(ONE_POINT, STEP, done)).isInstanceOf(CanaryDecision.Promote.class);
    }

    @Test
    void shouldHoldWhileAGateIsUndecided() {
        final CanaryDecision decision = JUDGE.judge(ONE_POINT, STEP,
            new CanaryEvidence(9_000, 180, 1_000, 30, Duration.ofMinutes(15)));

        assertThat(decision).isInstanceOf(CanaryDecision.Hold.class);
        assertThat(decision.gates().get(0).state()).isEqualTo(CanaryDecision.State.UNDECIDED);
    }

    @Test
    void shouldHoldAnAbsoluteGateToTheCandidatesOwnRate() {
        final List<Gate> atMostFivePercent = List.of(new Gate.ErrorRateAtMost(0.05));

        assertThat(JUDGE.judge(atMostFivePercent, STEP, new CanaryEvidence(0, 0, 2_000, 400, Duration.ofMinutes(1))))
            .isInstanceOf(CanaryDecision.RollBack.class);
        assertThat(JUDGE.judge(atMostFivePercent, STEP, new CanaryEvidence(0, 0, 5_000, 50, Duration.ofMinutes(20))))
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
    void shouldRefuseAJudgeWithoutGates() {
        assertThatThrownBy(() -> JUDGE.judge(List.of(), STEP, new CanaryEvidence(1, 0, 1, 0, Duration.ZERO)))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
