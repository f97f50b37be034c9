package dev.switchboard.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.events.Rollout;
import dev.switchboard.events.RolloutAction;
import dev.switchboard.events.RolloutDecision;
import dev.switchboard.events.RolloutFailureAction;
import dev.switchboard.events.RolloutGate;
import dev.switchboard.events.RolloutGateKind;
import dev.switchboard.events.RolloutMetric;
import dev.switchboard.events.RolloutSource;
import dev.switchboard.events.RolloutStep;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutStateTest {

    private static final Instant CREATED = Instant.parse("2026-11-22T10:00:00Z");
    private static final Rollout PLAN = Rollout.newBuilder().setId("r1").setCategory("LLM").setProvider("P")
        .setBaseline("v1").setCandidate("v2")
        .setSteps(List.of(new RolloutStep(10.0, 600L, 1_000L), new RolloutStep(50.0, 600L, 1_000L)))
        .setGates(List.of(new RolloutGate(RolloutMetric.ERROR_RATE, RolloutGateKind.VS_BASELINE, 0.01)))
        .setOnFailure(RolloutFailureAction.ROLL_BACK).setSalt("s").setDeclaredIn(RolloutSource.API)
        .setCreatedBy("test").setCreatedAt(CREATED).build();

    @Test
    void shouldWalkThroughItsStepsToTheCandidateAtAHundredPercent() {
        final RolloutState begun = RolloutState.begin(PLAN);
        final RolloutState second = begun.apply(decision(0, RolloutAction.PROMOTE, 60));
        final RolloutState finished = second.apply(decision(1, RolloutAction.PROMOTE, 120));

        assertThat(begun.candidatePercentage()).isEqualTo(10);
        assertThat(second.step()).isEqualTo(1);
        assertThat(second.candidatePercentage()).isEqualTo(50);
        assertThat(second.stepStartedAt()).isEqualTo(CREATED.plusSeconds(60));
        assertThat(finished.status()).isEqualTo(RolloutState.Status.FINISHED);
        assertThat(finished.candidatePercentage()).isEqualTo(100);
        assertThat(finished.revision()).isEqualTo(2);
    }

    @Test
    void shouldApplyADecisionOnlyOnceAndNeverOnAStateThatMovedSince() {
        final RolloutDecision promote = decision(0, RolloutAction.PROMOTE, 60);
        final RolloutState once = RolloutState.begin(PLAN).apply(promote);

        assertThat(once.apply(promote)).as("written twice").isEqualTo(once);
        final RolloutState paused = RolloutState.begin(PLAN).apply(decision(0, RolloutAction.PAUSE, 30));
        assertThat(paused.apply(promote)).as("the judge's promote, decided before the operator's pause")
            .isEqualTo(paused);
        assertThat(paused.candidatePercentage()).isEqualTo(10);
    }

    @Test
    void shouldEndAtARollBackWhateverComesAfter() {
        final RolloutState rolledBack = RolloutState.begin(PLAN).apply(decision(0, RolloutAction.ROLL_BACK, 30));

        assertThat(rolledBack.status()).isEqualTo(RolloutState.Status.ROLLED_BACK);
        assertThat(rolledBack.candidatePercentage()).isZero();
        assertThat(rolledBack.apply(decision(1, RolloutAction.RESUME, 40))).isEqualTo(rolledBack);
    }

    @Test
    void shouldPauseAndResumeAtTheSameStepAndLetAHoldChangeNothing() {
        final RolloutState paused = RolloutState.begin(PLAN).apply(decision(0, RolloutAction.PAUSE, 30));
        final RolloutState resumed = paused.apply(decision(1, RolloutAction.RESUME, 90));

        assertThat(paused.status()).isEqualTo(RolloutState.Status.PAUSED);
        assertThat(resumed.status()).isEqualTo(RolloutState.Status.RUNNING);
        assertThat(resumed.step()).isZero();
        assertThat(resumed.stepStartedAt()).isEqualTo(CREATED);
        assertThat(resumed.apply(decision(2, RolloutAction.HOLD, 95))).isEqualTo(resumed);
        assertThat(paused.apply(decision(1, RolloutAction.PROMOTE, 100)).step()).as("promoted by hand while paused")
            .isEqualTo(1);
    }

    @Test
    void shouldRefuseAnotherRolloutsDecision() {
        final RolloutDecision other = RolloutDecision.newBuilder(decision(0, RolloutAction.PROMOTE, 1))
            .setRolloutId("r2").build();

        assertThatThrownBy(() -> RolloutState.begin(PLAN).apply(other)).isInstanceOf(IllegalArgumentException.class);
    }

    private static RolloutDecision decision(final long revision, final RolloutAction action, final long atSecond) {
        return RolloutDecision.newBuilder().setDecisionId("r1-" + revision).setRolloutId("r1").setRevision(revision)
            .setStep(0).setAction(action).setReason("test").setDecidedBy("test")
            .setDecidedAt(CREATED.plusSeconds(atSecond)).build();
    }
}
