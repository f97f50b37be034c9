package dev.switchboard.routing.shadow;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;

/**
 * The limit on shadow calls in flight (seed 003's shadow mode), apart from the clients' own: when it is reached a
 * request is simply not mirrored, and counted, so a slow or hanging candidate can never take the connections,
 * memory or time the baseline's clients need.
 */
final class ShadowCalls {

    private final Semaphore inFlight;
    private final LongAdder started = new LongAdder();
    private final LongAdder skipped = new LongAdder();

    ShadowCalls(final int maxInFlight) {
        if (maxInFlight < 0) {
            throw new IllegalArgumentException("the shadow calls in flight cannot be negative, got " + maxInFlight);
        }
        this.inFlight = new Semaphore(maxInFlight);
    }

    /** @return whether a shadow call may start now; if so, {@link #finished()} must follow */
    boolean tryStart() {
        if (inFlight.tryAcquire()) {
            started.increment();
            return true;
        }
        skipped.increment();
        return false;
    }

    void finished() {
        inFlight.release();
    }

    long started() {
        return started.sum();
    }

    /** Requests not mirrored because the limit was reached. */
    long skipped() {
        return skipped.sum();
    }
}
