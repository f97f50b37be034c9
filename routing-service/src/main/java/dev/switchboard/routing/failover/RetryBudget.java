package dev.switchboard.routing.failover;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Caps retries so that a failing provider cannot multiply the load on the others: every request earns
 * {@code ratio} of a retry, and a small allowance of {@code minPerSecond} retries trickles in regardless, up to
 * {@code capacity} saved. A retry spends one. Without it a full outage would triple the traffic at once.
 */
public final class RetryBudget {

    /** Balances are kept in thousandths of a retry, so that 5 requests at 0.2 make exactly one retry. */
    private static final long UNIT = 1_000;

    private final long perRequest;
    private final double minPerSecond;
    private final long capacity;
    private final Clock clock;
    private long balance;
    private Instant refilledAt;

    public RetryBudget(final double ratio, final double minPerSecond, final double capacity, final Clock clock) {
        if (ratio < 0 || minPerSecond < 0 || capacity < 1) {
            throw new IllegalArgumentException("retry budget needs ratio >= 0, minPerSecond >= 0, capacity >= 1");
        }
        this.perRequest = Math.round(ratio * UNIT);
        this.minPerSecond = minPerSecond;
        this.capacity = Math.round(capacity * UNIT);
        this.clock = clock;
        this.balance = this.capacity;
        this.refilledAt = clock.instant();
    }

    /** Retries for up to 20% of requests, plus 10 a second, at most 100 saved. */
    public static RetryBudget defaults(final Clock clock) {
        return new RetryBudget(0.2, 10, 100, clock);
    }

    public synchronized void onRequest() {
        refill();
        balance = Math.min(capacity, balance + perRequest);
    }

    public synchronized boolean tryRetry() {
        refill();
        if (balance >= UNIT) {
            balance -= UNIT;
            return true;
        }
        return false;
    }

    private void refill() {
        final Instant now = clock.instant();
        final long earned = (long) (Duration.between(refilledAt, now).toNanos() / 1e9 * minPerSecond * UNIT);
        if (earned > 0) {
            balance = Math.min(capacity, balance + earned);
            refilledAt = now;
        }
    }
}
