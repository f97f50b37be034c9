package dev.switchboard.routing.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.switchboard.common.testing.MutableClock;
import dev.switchboard.events.AllocationState;
import dev.switchboard.events.EnrolledBuckets;
import dev.switchboard.events.ExperimentAllocation;
import dev.switchboard.events.SelectionReason;
import dev.switchboard.routing.table.Endpoints;
import dev.switchboard.routing.health.AllUnhealthy;
import dev.switchboard.routing.health.HealthBoard;
import dev.switchboard.routing.health.OutlierDetector;
import dev.switchboard.routing.strategy.Selection;
import dev.switchboard.routing.strategy.SubjectHasher;
import dev.switchboard.routing.strategy.TrafficCounters;
import dev.switchboard.routing.strategy.VersionSelector;
import dev.switchboard.routing.strategy.WeightedStrategy;
import dev.switchboard.routing.table.Provider;
import dev.switchboard.routing.table.VersionConfig;
import dev.switchboard.schemas.VersionKey;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ExperimentRoutingTest {

    private final MutableClock clock = new MutableClock();
    private final HealthBoard health = new HealthBoard();
    private final ExperimentBoard board = new ExperimentBoard(clock);
    private final VersionSelector selector = new VersionSelector(List.of(new WeightedStrategy()), health,
        new OutlierDetector(OutlierDetector.Settings.defaults(), clock), new TrafficCounters(),
        new SubjectHasher(new byte[32]), new SplittableRandom(1), AllUnhealthy.REJECT, board,
        Endpoints.none());
    // v2 takes no ordinary traffic (weight 0): only the experiment sends subjects to it.
    private final Provider provider = new Provider("LLM", "OllamaLLM", WeightedStrategy.NAME,
        List.of(version("v1", 100, true), version("v2", 0, false)));

    @Test
    void shouldSplitSubjectsSeventyThirtyAndKeepEachInItsArm() {
        board.run(experiment(clock.instant().plus(Duration.ofDays(7))));
        final Map<String, Integer> arms = new HashMap<>();

        for (int user = 0; user < 10_000; user++) {
            final Selection.Chosen first = choose("user-" + user);
            final Selection.Chosen again = choose("user-" + user);
            assertThat(again.arm()).as("a subject stays in its arm").isEqualTo(first.arm());
            assertThat(first.reason()).isEqualTo(SelectionReason.EXPERIMENT);
            assertThat(first.experiment()).isEqualTo("tone");
            assertThat(first.version().version()).isEqualTo(first.arm().equals("model_a") ? "v1" : "v2");
            arms.merge(first.arm(), 1, Integer::sum);
        }

        assertThat(arms.get("model_a") / 10_000.0).isCloseTo(0.7, offset(0.02));
    }

    @Test
    void shouldRouteASubjectAsAnyoneElseWhenItsArmsVersionCannotTakeTheRequest() {
        board.run(experiment(clock.instant().plus(Duration.ofDays(7))));
        health.report(new VersionKey("LLM", "OllamaLLM", "v2"), new HealthBoard.Report(false, "HTTP 503",
            Instant.EPOCH));

        for (int user = 0; user < 1_000; user++) {
            final Selection.Chosen chosen = choose("user-" + user);
            assertThat(chosen.version().version()).isEqualTo("v1");
            if (chosen.experiment() == null) {
                assertThat(chosen.reason()).as("left out of the experiment").isEqualTo(SelectionReason.WEIGHT);
            }
        }
    }

    @Test
    void shouldAssignNobodyWithoutASubjectAfterTheExperimentEndsOrOnARetry() {
        board.run(experiment(clock.instant().plus(Duration.ofDays(7))));
        assertThat(((Selection.Chosen) selector.select(provider, Optional.empty())).experiment()).isNull();
        final VersionKey v2 = new VersionKey("LLM", "OllamaLLM", "v2");
        final Selection.Chosen retry = (Selection.Chosen) selector.select(provider, Set.of(v2), Optional.of("user-1"));
        assertThat(retry.experiment()).as("a failover goes wherever it can").isNull();
        assertThat(retry.reason()).isEqualTo(SelectionReason.FAILOVER);

        clock.advance(Duration.ofDays(8));

        assertThat(choose("user-1").experiment()).isNull();
    }

    @Test
    void shouldAssignNobodyOnceTheExperimentIsPaused() {
        board.run(experiment(clock.instant().plus(Duration.ofDays(7))));
        board.pause("tone");

        assertThat(choose("user-1").reason()).isEqualTo(SelectionReason.WEIGHT);
    }

    @Test
    void shouldEnrollOnlyAnAdaptiveExperimentsFirstBucketsThenFollowItsDecisionsKeepingEverySubjectsArm() {
        final ExperimentBoard.Running adaptive = adaptive(List.of(new EnrolledBuckets(0, 1_000, "model_a"),
            new EnrolledBuckets(1_000, 2_000, "model_b")));
        board.run(adaptive);
        final Map<String, String> before = new HashMap<>();
        for (int user = 0; user < 5_000; user++) {
            final Selection.Chosen chosen = choose("user-" + user);
            if (chosen.experiment() != null) {
                before.put("user-" + user, chosen.arm());
            }
        }
        assertThat(before.size() / 5_000.0).as("a fifth of the buckets enrolled").isCloseTo(0.2, offset(0.02));

        board.decided(decision(adaptive.began().plusSeconds(60), List.of(new EnrolledBuckets(0, 1_000, "model_a"),
            new EnrolledBuckets(1_000, 2_000, "model_b"), new EnrolledBuckets(2_000, 2_100, "model_a"),
            new EnrolledBuckets(2_100, 2_500, "model_b"))));

        int enrolled = 0;
        for (int user = 0; user < 5_000; user++) {
            final Selection.Chosen chosen = choose("user-" + user);
            if (before.containsKey("user-" + user)) {
                assertThat(chosen.arm()).as("user-%d keeps its arm", user).isEqualTo(before.get("user-" + user));
            }
            enrolled += chosen.experiment() == null ? 0 : 1;
        }
        assertThat(enrolled / 5_000.0).as("a quarter now").isCloseTo(0.25, offset(0.02));
    }

    @Test
    void shouldFollowADecisionReadBeforeItsExperimentButNotOneFromAnEarlierExperimentOfTheSameName() {
        final ExperimentBoard.Running adaptive = adaptive(List.of(new EnrolledBuckets(0, 1_000, "model_a"),
            new EnrolledBuckets(1_000, 2_000, "model_b")));
        final List<EnrolledBuckets> everyoneOnB = List.of(new EnrolledBuckets(0, 10_000, "model_b"));

        board.decided(decision(adaptive.began().minusSeconds(1), everyoneOnB));
        board.run(adaptive);
        assertThat(board.of("LLM/OllamaLLM").orElseThrow().layout()).as("the earlier experiment's decision")
            .isEqualTo(adaptive.layout());

        board.decided(decision(adaptive.began().plusSeconds(1), everyoneOnB));
        board.pause("tone");
        board.run(adaptive);
        assertThat(board.of("LLM/OllamaLLM").orElseThrow().layout()).isEqualTo(everyoneOnB);
        assertThat(choose("user-1").arm()).isEqualTo("model_b");
    }

    private ExperimentBoard.Running adaptive(final List<EnrolledBuckets> layout) {
        return new ExperimentBoard.Running("tone", "LLM/OllamaLLM",
            List.of(new ExperimentBoard.Arm("model_a", "v1", 0.5), new ExperimentBoard.Arm("model_b", "v2", 0.5)),
            "salt-1", clock.instant().plus(Duration.ofDays(7)), clock.instant(), layout);
    }

    private static ExperimentAllocation decision(final Instant at, final List<EnrolledBuckets> layout) {
        return ExperimentAllocation.newBuilder().setEventId("e").setExperiment("tone").setCategory("LLM")
            .setProvider("OllamaLLM").setSequence(1).setPeriod(0).setOutcomesSeen(200).setLateOutcomes(0)
            .setState(AllocationState.EXPLORING)
            .setReason("exploring").setMetric("success_rate").setConfidence(0.95).setArms(List.of())
            .setLayout(layout).setDecidedAt(at).build();
    }

    private Selection.Chosen choose(final String subject) {
        return (Selection.Chosen) selector.select(provider, Optional.of(subject));
    }

    private static ExperimentBoard.Running experiment(final Instant endsAt) {
        return new ExperimentBoard.Running("tone", "LLM/OllamaLLM",
            List.of(new ExperimentBoard.Arm("model_a", "v1", 0.7), new ExperimentBoard.Arm("model_b", "v2", 0.3)),
            "salt-1", endsAt);
    }

    private static VersionConfig version(final String version, final int weight, final boolean isDefault) {
        return VersionConfig.of(new VersionKey("LLM", "OllamaLLM", version), "openai", "llama2",
            URI.create("http://127.0.0.1:9101"), weight, true, isDefault, Map.of());
    }
}
