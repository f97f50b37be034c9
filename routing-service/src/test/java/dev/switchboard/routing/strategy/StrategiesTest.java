package dev.switchboard.routing.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.common.testing.MutableClock;
import dev.switchboard.events.SelectionReason;
import dev.switchboard.routing.table.Endpoints;
import dev.switchboard.routing.health.AllUnhealthy;
import dev.switchboard.routing.health.HealthBoard;
import dev.switchboard.routing.health.OutlierDetector;
import dev.switchboard.routing.table.Provider;
import dev.switchboard.routing.table.ProviderPolicy;
import dev.switchboard.routing.table.StickyRollout;
import dev.switchboard.routing.table.VersionConfig;
import dev.switchboard.schemas.VersionKey;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class StrategiesTest {

    private final HealthBoard health = new HealthBoard();
    private final TrafficCounters counters = new TrafficCounters();

    @Test
    void splitsTenThousandRequestsAt70To30WithinTwoPoints() {
        final Map<String, Integer> counts = count(selector(1), provider("weight", Optional.empty()), 10_000, i -> null);

        assertThat(counts.get("v1") / 100.0).isCloseTo(70.0, within(2.0));
        assertThat(counts.get("v2") / 100.0).isCloseTo(30.0, within(2.0));
    }

    @Test
    void takesVersionsInTurnWithRoundRobin() {
        final VersionSelector selector = selector(1);
        final Provider provider = provider("round_robin", Optional.empty());
        final List<String> order = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            order.add(chosen(selector, provider, null).version().version());
        }

        assertThat(order).containsExactly("v1", "v2", "v1", "v2");
        assertThat(chosen(selector, provider, null).reason()).isEqualTo(SelectionReason.ROUND_ROBIN);
    }

    @Test
    void sendsToTheVersionWithFewestRequestsInFlightWithLeastUsed() {
        final Provider provider = provider("least_used", Optional.empty());
        counters.started(new VersionKey("LLM", "OllamaLLM", "v1"));

        final Map<String, Integer> counts = count(selector(1), provider, 200, i -> null);

        assertThat(counts).containsOnlyKeys("v2");
    }

    @Test
    void sendsToTheHealthiestVersionWithHealth() {
        final Provider provider = provider("health", Optional.empty());
        health.report(new VersionKey("LLM", "OllamaLLM", "v1"), new HealthBoard.Report(true, 62.5, "slow", Instant.EPOCH));
        health.report(new VersionKey("LLM", "OllamaLLM", "v2"), new HealthBoard.Report(true, 97.0, "ok", Instant.EPOCH));

        assertThat(count(selector(1), provider, 200, i -> null)).containsOnlyKeys("v2");
    }

    @Test
    void keepsEverySubjectOnItsVersionAcrossRoutersAndRestarts() {
        final Provider provider = provider("sticky_rollout", rollout(10));
        final VersionSelector routerA = selector(1);
        final VersionSelector routerB = selector(999); // another instance: other random state, same answers

        for (int i = 0; i < 2_000; i++) {
            final String user = "user-" + i;
            assertThat(chosen(routerA, provider, user).version()).isEqualTo(chosen(routerB, provider, user).version());
            assertThat(chosen(routerA, provider, user).version()).isEqualTo(chosen(routerA, provider, user).version());
        }
    }

    @Test
    void raisingTheRolloutFrom10To50PercentMovesNoCanaryUserBack() {
        final VersionSelector selector = selector(1);
        final List<String> canaryAt10 = new ArrayList<>();
        int canaryAt50 = 0;
        for (int i = 0; i < 10_000; i++) {
            final String user = "user-" + i;
            if (chosen(selector, provider("sticky_rollout", rollout(10)), user).version().version().equals("v2")) {
                canaryAt10.add(user);
            }
        }
        for (int i = 0; i < 10_000; i++) {
            if (chosen(selector, provider("sticky_rollout", rollout(50)), "user-" + i).version().version().equals("v2")) {
                canaryAt50++;
            }
        }

        assertThat(canaryAt10.size() / 100.0).isCloseTo(10.0, within(1.0));
        assertThat(canaryAt50 / 100.0).isCloseTo(50.0, within(2.0));
        for (final String user : canaryAt10) {
            assertThat(chosen(selector, provider("sticky_rollout", rollout(50)), user).version().version())
                .as("canary user %s at 50%%", user).isEqualTo("v2");
        }
    }

    @Test
    void recordsAHashOfTheSubjectNeverTheSubject() {
        final Selection.Chosen chosen = chosen(selector(1), provider("sticky_rollout", rollout(10)), "alice@example.com");

        assertThat(chosen.reason()).isEqualTo(SelectionReason.STICKY_ROLLOUT);
        assertThat(chosen.subjectHash()).hasSize(32).doesNotContain("alice");
    }

    @Test
    void computesTheDocumentedBucketForAKnownSubject() {
        // MurmurHash3 x64 128 (seed 0) of "salt-1\nuser-42", first half mod 10000: pinned so that any other
        // implementation (another language, a library upgrade) can be checked against it.
        final int bucket = SubjectHasher.bucket("salt-1", "user-42");

        assertThat(bucket).isBetween(0, 9_999).isEqualTo(SubjectHasher.bucket("salt-1", "user-42"));
        assertThat(SubjectHasher.bucket("salt-2", "user-42")).isNotEqualTo(bucket);
    }

    private Map<String, Integer> count(final VersionSelector selector, final Provider provider, final int requests,
                                       final IntFunction<String> subject) {
        final Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < requests; i++) {
            counts.merge(chosen(selector, provider, subject.apply(i)).version().version(), 1, Integer::sum);
        }
        return counts;
    }

    private static Selection.Chosen chosen(final VersionSelector selector, final Provider provider,
                                           final String subject) {
        return (Selection.Chosen) selector.select(provider, Optional.ofNullable(subject));
    }

    private VersionSelector selector(final long seed) {
        return new VersionSelector(List.of(new WeightedStrategy(), new RoundRobinStrategy(), new LeastUsedStrategy(),
            new HealthStrategy(), new StickyRolloutStrategy()), health,
            new OutlierDetector(OutlierDetector.Settings.defaults(), new MutableClock()), counters,
            new SubjectHasher(new byte[32]), new SplittableRandom(seed), AllUnhealthy.REJECT,
            ExperimentAssignments.NONE, Endpoints.none());
    }

    private static Optional<StickyRollout> rollout(final double percentage) {
        return Optional.of(new StickyRollout("v1", "v2", percentage, "salt-1"));
    }

    private static Provider provider(final String strategy, final Optional<StickyRollout> rollout) {
        return new Provider("LLM", "OllamaLLM", new ProviderPolicy(strategy, rollout, Optional.empty(), 3), List.of(
            version("v1", 70, true), version("v2", 30, false)));
    }

    private static VersionConfig version(final String version, final int weight, final boolean isDefault) {
        return VersionConfig.of(new VersionKey("LLM", "OllamaLLM", version), "openai", "m",
            URI.create("http://127.0.0.1:9101"), weight, true, isDefault, Map.of());
    }
}
