package dev.switchboard.routing.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.testing.MutableClock;
import dev.switchboard.events.SelectionReason;
import dev.switchboard.routing.health.AllUnhealthy;
import dev.switchboard.routing.health.HealthBoard;
import dev.switchboard.routing.health.OutlierDetector;
import dev.switchboard.routing.strategy.ExperimentAssignments;
import dev.switchboard.routing.strategy.SubjectHasher;
import dev.switchboard.routing.strategy.TrafficCounters;
import dev.switchboard.routing.strategy.VersionSelector;
import dev.switchboard.routing.strategy.WeightedStrategy;
import dev.switchboard.routing.table.Endpoints;
import dev.switchboard.routing.table.Provider;
import dev.switchboard.routing.table.ProviderPolicy;
import dev.switchboard.routing.table.VersionConfig;
import dev.switchboard.schemas.VersionKey;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FailoverPlanTest {

    private final MutableClock clock = new MutableClock();
    private final VersionSelector selector = new VersionSelector(List.of(new WeightedStrategy()), new HealthBoard(),
        new OutlierDetector(OutlierDetector.Settings.defaults(), clock), new TrafficCounters(),
        new SubjectHasher(new byte[32]), new SplittableRandom(7), AllUnhealthy.REJECT, ExperimentAssignments.NONE,
        Endpoints.none());
    private final Provider backup = provider("Backup", Optional.empty(), 3, version("Backup", "b1"));
    private final Provider main = provider("OllamaLLM", Optional.of("LLM/Backup"), 5,
        version("OllamaLLM", "v1"), version("OllamaLLM", "v2"));
    private RetryBudget budget = RetryBudget.defaults(clock);

    @Test
    void shouldTryEveryVersionOnceThenTheFallbackProviderThenGiveUp() {
        final FailoverPlan plan = plan(main, Optional.empty());

        final List<String> tried = new ArrayList<>();
        FailoverPlan.Step step = plan.first();
        while (step instanceof FailoverPlan.Step.Attempt attempt) {
            tried.add(attempt.chosen().version().key().toString());
            step = plan.afterFailure(attempt.chosen().version().key());
        }

        assertThat(tried).hasSize(3).doesNotHaveDuplicates()
            .containsOnly("LLM/OllamaLLM/v1", "LLM/OllamaLLM/v2", "LLM/Backup/b1");
        assertThat(tried.get(2)).as("the fallback provider comes last").isEqualTo("LLM/Backup/b1");
        assertThat(plan.current().id()).isEqualTo("LLM/Backup");
        assertThat(step).isInstanceOf(FailoverPlan.Step.GiveUp.class);
    }

    @Test
    void shouldMarkEveryAttemptAfterTheFirstAsAFailover() {
        final FailoverPlan plan = plan(main, Optional.empty());

        final FailoverPlan.Step.Attempt first = (FailoverPlan.Step.Attempt) plan.first();
        final FailoverPlan.Step.Attempt second =
            (FailoverPlan.Step.Attempt) plan.afterFailure(first.chosen().version().key());

        assertThat(first.chosen().reason()).isEqualTo(SelectionReason.WEIGHT);
        assertThat(second.chosen().reason()).isEqualTo(SelectionReason.FAILOVER);
        assertThat(plan.attempts()).isEqualTo(2);
    }

    @Test
    void shouldGiveUpAtTheProvidersMaxAttempts() {
        final Provider twoAttempts = provider("OllamaLLM", Optional.of("LLM/Backup"), 2,
            version("OllamaLLM", "v1"), version("OllamaLLM", "v2"));
        final FailoverPlan plan = plan(twoAttempts, Optional.empty());

        final FailoverPlan.Step.Attempt first = (FailoverPlan.Step.Attempt) plan.first();
        final FailoverPlan.Step.Attempt second =
            (FailoverPlan.Step.Attempt) plan.afterFailure(first.chosen().version().key());

        assertThat(plan.afterFailure(second.chosen().version().key())).isInstanceOf(FailoverPlan.Step.GiveUp.class);
    }

    @Test
    void shouldGiveUpOnceTheDeadlineHasPassed() {
        final FailoverPlan plan = plan(main, Optional.empty());
        final FailoverPlan.Step.Attempt first = (FailoverPlan.Step.Attempt) plan.first();

        clock.advance(Duration.ofSeconds(121));

        assertThat(plan.afterFailure(first.chosen().version().key())).isInstanceOf(FailoverPlan.Step.GiveUp.class);
    }

    @Test
    void shouldGiveUpWhenTheSharedRetryBudgetIsSpent() {
        budget = new RetryBudget(0, 0, 1, clock); // one retry saved, none earned
        final FailoverPlan spender = plan(main, Optional.empty());
        spender.afterFailure(((FailoverPlan.Step.Attempt) spender.first()).chosen().version().key());
        final FailoverPlan plan = plan(main, Optional.empty());

        final FailoverPlan.Step.Attempt first = (FailoverPlan.Step.Attempt) plan.first();

        assertThat(plan.afterFailure(first.chosen().version().key())).isInstanceOf(FailoverPlan.Step.GiveUp.class);
    }

    @Test
    void shouldNeverMoveAPinnedRequest() {
        final VersionConfig v2 = main.version("v2").orElseThrow();
        final FailoverPlan plan = plan(main, Optional.of(v2));

        final FailoverPlan.Step.Attempt first = (FailoverPlan.Step.Attempt) plan.first();

        assertThat(first.chosen().version()).isEqualTo(v2);
        assertThat(first.chosen().reason()).isEqualTo(SelectionReason.PINNED);
        assertThat(plan.afterFailure(v2.key())).isInstanceOf(FailoverPlan.Step.GiveUp.class);
    }

    @Test
    void shouldSayWhyWhenNoVersionCanTakeTheRequestAtAll() {
        final Provider inactive = provider("Idle", Optional.empty(), 3,
            VersionConfig.of(new VersionKey("LLM", "Idle", "i1"), "openai", "m", URI.create("http://127.0.0.1:1"),
                100, false, false, Map.of()));

        final FailoverPlan.Step step = plan(inactive, Optional.empty()).first();

        assertThat(step).isInstanceOfSatisfying(FailoverPlan.Step.GiveUp.class,
            giveUp -> assertThat(giveUp.why()).contains("No active, healthy version of LLM/Idle"));
    }

    private FailoverPlan plan(final Provider provider, final Optional<VersionConfig> pinned) {
        final FailoverPlan.Limits limits = new FailoverPlan.Limits(selector,
            id -> id.equals(backup.id()) ? Optional.of(backup) : Optional.empty(), budget, clock);
        return new FailoverPlan(limits, provider, pinned, Optional.empty(), clock.instant().plusSeconds(120));
    }

    private static Provider provider(final String name, final Optional<String> fallback, final int maxAttempts,
                                     final VersionConfig... versions) {
        return new Provider("LLM", name, new ProviderPolicy(WeightedStrategy.NAME, Optional.empty(), fallback,
            maxAttempts), List.of(versions));
    }

    private static VersionConfig version(final String provider, final String version) {
        return VersionConfig.of(new VersionKey("LLM", provider, version), "openai", "m",
            URI.create("http://127.0.0.1:1"), 50, true, false, Map.of());
    }
}
