package dev.switchboard.stats.experiment.adaptive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.switchboard.stats.experiment.Metric;
import dev.switchboard.stats.experiment.Moments;
import dev.switchboard.stats.experiment.adaptive.AdaptiveDecision.BestFound;
import dev.switchboard.stats.experiment.adaptive.AdaptiveDecision.Exploring;
import dev.switchboard.stats.experiment.adaptive.AdaptiveDecision.NoClearWinner;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AdaptiveSearchTest {

    private static final AdaptiveDesign SUCCESS = new AdaptiveDesign(Metric.SUCCESS_RATE, true, 0.95, 0.05, 0.03,
        100, 1_000_000, 4);

    @Test
    void shouldEliminateAnArmThatAnotherIsSurelyBetterThanAndSayWhy() {
        final AdaptiveDecision decision = decide(SUCCESS, List.of(
            ArmEvidence.ofRate("a", 5_000, 4_500), ArmEvidence.ofRate("b", 5_000, 4_000),
            ArmEvidence.ofRate("c", 5_000, 4_510)));

        assertThat(decision.outcome()).isInstanceOf(Exploring.class);
        assertThat(decision.eliminated()).containsOnlyKeys("b");
        assertThat(decision.eliminated().get("b")).startsWith("worse than ").contains("success_rate", "always-valid");
        assertThat(decision.shares().get("b")).isZero();
        assertThat(decision.shares().get("a") + decision.shares().get("c")).isCloseTo(1, offset(1e-9));
    }

    @Test
    void shouldDeclareTheLastArmLeftTheBestAndSendItEveryone() {
        final AdaptiveDecision decision = decide(SUCCESS, List.of(
            ArmEvidence.ofRate("a", 5_000, 4_500), ArmEvidence.ofRate("b", 5_000, 4_000)));

        assertThat(decision.outcome()).isEqualTo(new BestFound("a"));
        assertThat(decision.shares()).containsEntry("a", 1.0).containsEntry("b", 0.0);
    }

    @Test
    void shouldKeepEveryArmInTheSearchAtLeastAtTheExplorationFloor() {
        final AdaptiveDesign design = new AdaptiveDesign(Metric.SUCCESS_RATE, true, 0.95, 0.1, 0.03, 100,
            1_000_000, 4);
        final AdaptiveDecision decision = decide(design, List.of(ArmEvidence.ofRate("a", 400, 360),
            ArmEvidence.ofRate("b", 400, 372), ArmEvidence.ofRate("c", 400, 330), ArmEvidence.ofRate("d", 400, 371)));

        assertThat(decision.outcome()).isInstanceOf(Exploring.class);
        decision.arms().stream().filter(arm -> arm.eliminated().isEmpty())
            .forEach(arm -> assertThat(arm.share()).as(arm.arm()).isGreaterThanOrEqualTo(0.1 - 1e-9));
        assertThat(decision.shares().values().stream().mapToDouble(Double::doubleValue).sum())
            .isCloseTo(1, offset(1e-9));
        assertThat(decision.shares().get("b")).as("the likeliest best gets the most")
            .isGreaterThan(decision.shares().get("a"));
    }

    @Test
    void shouldEliminateAnArmThatBreachedAGuardrailWhateverItsMetric() {
        final AdaptiveDecision decision = AdaptiveSearch.decide(SUCCESS, List.of(
            ArmEvidence.ofRate("a", 5_000, 4_500), ArmEvidence.ofRate("b", 5_000, 4_800),
            ArmEvidence.ofRate("c", 5_000, 4_520)), Map.of(), Map.of("b", "latency_p95 <= 800.0: 1204 [1150, 1260]"),
            false, 1);

        assertThat(decision.eliminated()).containsEntry("b", "latency_p95 <= 800.0: 1204 [1150, 1260]");
        assertThat(decision.arms().get(1).probabilityBest()).isZero();
        assertThat(decision.shares().get("b")).isZero();
    }

    @Test
    void shouldKeepAnArmEliminatedOnceItWas() {
        final AdaptiveDecision decision = AdaptiveSearch.decide(SUCCESS, List.of(
            ArmEvidence.ofRate("a", 200, 180), ArmEvidence.ofRate("b", 200, 185), ArmEvidence.ofRate("c", 200, 181)),
            Map.of("b", "worse than a"), Map.of(), false, 1);

        assertThat(decision.eliminated()).containsEntry("b", "worse than a");
        assertThat(decision.shares().get("b")).isZero();
    }

    @Test
    void shouldStopWithNoClearWinnerAtTheMaximumSampleOrDuration() {
        final AdaptiveDesign design = new AdaptiveDesign(Metric.SUCCESS_RATE, true, 0.95, 0.05, 0.03, 100, 2_000,
            4);
        final List<ArmEvidence> close = List.of(ArmEvidence.ofRate("a", 1_000, 900),
            ArmEvidence.ofRate("b", 1_000, 905));

        assertThat(decide(design, close).outcome()).isInstanceOf(NoClearWinner.class);
        assertThat(AdaptiveSearch.decide(SUCCESS, close, Map.of(), Map.of(), true, 1).outcome())
            .isEqualTo(new NoClearWinner("reached the maximum duration with 2 arms still in the search"));
        assertThat(decide(SUCCESS, close).outcome()).isInstanceOf(Exploring.class);
    }

    @Test
    void shouldGiveAnArmAddedLaterAtLeastAnEqualShareUntilItHasItsMinimumSample() {
        final AdaptiveDecision decision = decide(SUCCESS, List.of(ArmEvidence.ofRate("a", 3_000, 2_700),
            ArmEvidence.ofRate("b", 3_000, 2_760), ArmEvidence.ofRate("new", 20, 18)));

        assertThat(decision.shares().get("new")).isGreaterThanOrEqualTo(1.0 / 3 - 1e-9);
        assertThat(decision.eliminated()).as("too few samples to judge it").doesNotContainKey("new");
    }

    @Test
    void shouldPreferTheLowerLatencyWhenLowerIsBetter() {
        final AdaptiveDesign latency = new AdaptiveDesign(Metric.LATENCY, false, 0.95, 0.05, 0.05, 100,
            1_000_000, 4);
        final AdaptiveDecision decision = decide(latency, List.of(
            ArmEvidence.ofValues("slow", new Moments(2_000, 900, 2_000 * 100.0 * 100.0)),
            ArmEvidence.ofValues("fast", new Moments(2_000, 600, 2_000 * 100.0 * 100.0))));

        assertThat(decision.outcome()).isEqualTo(new BestFound("fast"));
        assertThat(decision.eliminated().get("slow")).startsWith("worse than fast on latency");
    }

    @Test
    void shouldLetNoArmWhoseGuardrailsHaveNotPassedEliminateAnotherOrWin() {
        final List<ArmEvidence> arms = List.of(ArmEvidence.ofRate("a", 5_000, 4_500),
            ArmEvidence.ofRate("b", 5_000, 4_000));

        final AdaptiveDecision unproven = AdaptiveSearch.decide(SUCCESS, arms, Map.of(), Map.of(), Set.of("a"),
            false, 7);
        final AdaptiveDecision proven = AdaptiveSearch.decide(SUCCESS, arms, Map.of(), Map.of(), Set.of("b"),
            false, 7);

        assertThat(unproven.outcome()).isInstanceOf(Exploring.class);
        assertThat(unproven.eliminated()).isEmpty();
        assertThat(proven.outcome()).as("b is unproven, and eliminated all the same").isEqualTo(new BestFound("a"));
    }

    @Test
    void shouldMakeTheSameDecisionFromTheSameEvidenceAndSeed() {
        final List<ArmEvidence> arms = List.of(ArmEvidence.ofRate("a", 300, 271), ArmEvidence.ofRate("b", 300, 276),
            ArmEvidence.ofRate("c", 300, 268));

        assertThat(AdaptiveSearch.decide(SUCCESS, arms, Map.of(), Map.of(), false, 42))
            .isEqualTo(AdaptiveSearch.decide(SUCCESS, arms, Map.of(), Map.of(), false, 42));
    }

    @Test
    void shouldRefuseMoreArmsThanTheDesignLeftRoomFor() {
        assertThatThrownBy(() -> decide(new AdaptiveDesign(Metric.SUCCESS_RATE, true, 0.95, 0.05, 0.03, 100, 10_000,
            2), List.of(ArmEvidence.ofRate("a", 0, 0), ArmEvidence.ofRate("b", 0, 0), ArmEvidence.ofRate("c", 0, 0))))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 to 2 arms");
    }

    private static AdaptiveDecision decide(final AdaptiveDesign design, final List<ArmEvidence> arms) {
        return AdaptiveSearch.decide(design, arms, Map.of(), Map.of(), false, 7);
    }
}
