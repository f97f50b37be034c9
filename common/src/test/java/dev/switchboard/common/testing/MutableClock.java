package dev.switchboard.common.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock the test moves by hand, so time-based behaviour is tested without waiting. Safe to read from the
 * threads of the code under test while the test moves it.
 */
public final class MutableClock extends Clock {

    private volatile Instant now = Instant.parse("2026-11-22T10:00:00Z");

    public synchronized void advance(final Duration duration) {
        now = now.plus(duration);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(final ZoneId zone) {
        return this;
    }
}
