package dev.switchboard.routing.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {

    private final MutableClock clock = new MutableClock();

    @Test
    void allowsRetriesForAShareOfRequestsOnceTheSavingsAreSpent() {
        final RetryBudget budget = new RetryBudget(0.2, 0, 5, clock);
        int retries = 0;
        for (int i = 0; i < 5; i++) {
            retries += budget.tryRetry() ? 1 : 0;
        }
        assertThat(retries).isEqualTo(5);
        assertThat(budget.tryRetry()).isFalse();

        for (int i = 0; i < 10; i++) {
            budget.onRequest();
        }
        assertThat(budget.tryRetry()).isTrue();
        assertThat(budget.tryRetry()).isTrue();
        assertThat(budget.tryRetry()).isFalse();
    }

    @Test
    void refillsAMinimumAllowanceOverTime() {
        final RetryBudget budget = new RetryBudget(0, 2, 2, clock);
        budget.tryRetry();
        budget.tryRetry();
        assertThat(budget.tryRetry()).isFalse();

        clock.advance(Duration.ofMillis(500));

        assertThat(budget.tryRetry()).isTrue();
        assertThat(budget.tryRetry()).isFalse();
    }
}
