package dev.switchboard.routing.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.events.Rollout;
import dev.switchboard.events.RolloutAction;
import dev.switchboard.events.RolloutDecision;
import dev.switchboard.events.RolloutFailureAction;
import dev.switchboard.events.RolloutGate;
import dev.switchboard.events.RolloutGateKind;
import dev.switchboard.events.RolloutMetric;
import dev.switchboard.events.RolloutSource;
import dev.switchboard.events.RolloutStep;
import dev.switchboard.rollout.RolloutState;
import dev.switchboard.routing.table.Secrets;
import dev.switchboard.routing.table.StickyRollout;
import dev.switchboard.routing.table.VersionConfig;
import dev.switchboard.schemas.VersionKey;
import java.net.URI;
import java.util.Map;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RolloutBoardTest {

    private static final Instant CREATED = Instant.parse("2026-11-22T09:00:00Z");
    private static final String PROVIDER = "LLM/OllamaLLM";

    private final RolloutBoard board = new RolloutBoard();

    @Test
    void shouldRouteTheProviderBySteadilyGrowingStickySharesOfTheSameSalt() {
        board.plan("r1", plan("r1"));
        assertThat(split()).contains(new StickyRollout("v1", "v2", 10, "salt-r1"));
        board.decision("r1", decision("r1", RolloutAction.PROMOTE, 0, CREATED.plusSeconds(60)));
        assertThat(split()).contains(new StickyRollout("v1", "v2", 50, "salt-r1"));
        board.decision("r1", decision("r1", RolloutAction.PAUSE, 1, CREATED.plusSeconds(70)));
        assertThat(split()).as("a paused rollout keeps its split").contains(new StickyRollout("v1", "v2", 50,
            "salt-r1"));
    }

    @Test
    void shouldKeepARolledBackCandidateAtZeroUntilTheConfigurationIsSettled() {
        board.plan("r1", plan("r1"));
        final Instant rolledBack = CREATED.plusSeconds(90);
        board.decision("r1", decision("r1", RolloutAction.ROLL_BACK, 0, rolledBack));

        assertThat(board.routing(PROVIDER, version -> Optional.of(candidate(10, false, CREATED))))
            .map(StickyRollout::percentage).contains(0.0);
        assertThat(board.routing(PROVIDER, version -> Optional.of(candidate(0, false, CREATED))))
            .as("the configuration routes as the rollout ended: its own routing again").isEmpty();
        assertThat(board.routing(PROVIDER, version -> Optional.of(candidate(10, false, rolledBack))))
            .as("changed since the rollout ended").isEmpty();
    }

    @Test
    void shouldFoldDecisionsReadBeforeTheirPlanOnceThePlanArrives() {
        board.decision("r1", decision("r1", RolloutAction.PROMOTE, 0, CREATED.plusSeconds(5)));
        assertThat(board.get("r1")).isEmpty();
        board.plan("r1", plan("r1"));
        assertThat(board.get("r1").orElseThrow().state().step()).isEqualTo(1);
    }

    @Test
    void shouldSayWhetherADecisionAppliedAndTellListenersOnlyOfChanges() throws InterruptedException {
        final AtomicInteger changes = new AtomicInteger();
        board.onChange(changes::incrementAndGet);
        board.plan("r1", plan("r1"));
        final RolloutDecision pause = decision("r1", RolloutAction.PAUSE, 0, CREATED.plusSeconds(1));
        final RolloutDecision stalePromote = decision("r1", RolloutAction.PROMOTE, 0, CREATED.plusSeconds(2));
        board.decision("r1", pause);
        board.decision("r1", stalePromote);
        board.decision("r1", pause); // read twice

        assertThat(board.awaitDecision(pause.getDecisionId(), Duration.ofSeconds(1))).contains(true);
        assertThat(board.awaitDecision(stalePromote.getDecisionId(), Duration.ofSeconds(1))).contains(false);
        assertThat(board.awaitDecision("never-written", Duration.ofMillis(10))).isEmpty();
        assertThat(board.get("r1").orElseThrow().state().status()).isEqualTo(RolloutState.Status.PAUSED);
        assertThat(board.get("r1").orElseThrow().history()).hasSize(1);
        assertThat(changes).hasValue(2); // the plan and the pause
    }

    @Test
    void shouldKeepTheJudgesHoldsAsEvidenceWithoutChangingTheState() {
        board.plan("r1", plan("r1"));
        final RolloutDecision hold = decision("r1", RolloutAction.HOLD, 0, CREATED.plusSeconds(5));
        board.decision("r1", hold);
        board.decision("r1", hold); // read twice
        board.decision("r1", decision("r1", RolloutAction.HOLD, 7, CREATED.plusSeconds(6))); // not this revision
        board.decision("r1", decision("r1", RolloutAction.PROMOTE, 0, CREATED.plusSeconds(10)));
        board.decision("r1", decision("r1", RolloutAction.HOLD, 1, CREATED.plusSeconds(15)));

        final RolloutBoard.Entry entry = board.get("r1").orElseThrow();
        assertThat(entry.holds()).extracting(RolloutDecision::getDecidedAt)
            .containsExactly(CREATED.plusSeconds(5), CREATED.plusSeconds(15));
        assertThat(entry.history()).extracting(RolloutDecision::getAction).containsExactly(RolloutAction.PROMOTE);
        assertThat(entry.changedAt()).as("a hold changes nothing").isEqualTo(CREATED.plusSeconds(10));
    }

    @Test
    void shouldFollowTheProvidersNewestRolloutOnly() {
        board.plan("old", plan("old"));
        board.decision("old", decision("old", RolloutAction.ABORT, 0, CREATED.plusSeconds(10)));
        final Rollout newer = Rollout.newBuilder(plan("new")).setCreatedAt(CREATED.plusSeconds(20)).build();
        board.plan("new", newer);
        assertThat(split()).contains(new StickyRollout("v1", "v2", 10, "salt-new"));
        assertThat(board.routing("LLM/Other", version -> Optional.empty())).isEmpty();
    }

    @Test
    void shouldKeepAFinishedCandidateAtAllTheTrafficUntilItIsTheDefault() {
        board.plan("r1", plan("r1"));
        board.decision("r1", decision("r1", RolloutAction.PROMOTE, 0, CREATED.plusSeconds(60)));
        board.decision("r1", decision("r1", RolloutAction.PROMOTE, 1, CREATED.plusSeconds(120)));

        assertThat(board.routing(PROVIDER, version -> Optional.of(candidate(10, false, CREATED))))
            .map(StickyRollout::percentage).contains(100.0);
        assertThat(board.routing(PROVIDER, version -> Optional.of(candidate(100, true, CREATED)))).isEmpty();
    }

    private Optional<StickyRollout> split() {
        return board.routing(PROVIDER, version -> Optional.of(candidate(0, false, CREATED)));
    }

    private static VersionConfig candidate(final int weight, final boolean isDefault, final Instant updatedAt) {
        return new VersionConfig(new VersionKey("LLM", "OllamaLLM", "v2"), "openai", "m",
            Optional.of(URI.create("http://localhost:1")), weight, true, isDefault, Map.of(), Secrets.of(Map.of()), CREATED, updatedAt,
            Optional.empty());
    }

    private static Rollout plan(final String id) {
        return Rollout.newBuilder().setId(id).setCategory("LLM").setProvider("OllamaLLM").setBaseline("v1")
            .setCandidate("v2")
            .setSteps(List.of(new RolloutStep(10.0, 60L, 100L), new RolloutStep(50.0, 60L, 100L)))
            .setGates(List.of(new RolloutGate(RolloutMetric.ERROR_RATE, RolloutGateKind.VS_BASELINE, 0.01)))
            .setOnFailure(RolloutFailureAction.ROLL_BACK).setSalt("salt-" + id).setDeclaredIn(RolloutSource.API)
            .setCreatedBy("test").setCreatedAt(CREATED).build();
    }

    private static RolloutDecision decision(final String id, final RolloutAction action, final long revision,
                                            final Instant at) {
        return RolloutDecision.newBuilder().setDecisionId(id + "-" + action + "-" + revision + "-" + at)
            .setRolloutId(id).setRevision(revision).setStep(0).setAction(action).setReason("test")
            .setDecidedBy("test").setDecidedAt(at).setEvidence(null).setFailedGate(null).build();
    }
}
