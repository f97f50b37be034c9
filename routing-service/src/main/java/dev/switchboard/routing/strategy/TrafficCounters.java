package dev.switchboard.routing.strategy;

import dev.switchboard.schemas.VersionKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** What this router is doing right now: requests in flight per version, and each provider's round-robin turn. */
public final class TrafficCounters {

    private final Map<VersionKey, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> turns = new ConcurrentHashMap<>();

    public void started(final VersionKey version) {
        inFlight.computeIfAbsent(version, k -> new AtomicInteger()).incrementAndGet();
    }

    public void finished(final VersionKey version) {
        inFlight.computeIfAbsent(version, k -> new AtomicInteger()).decrementAndGet();
    }

    public int inFlight(final VersionKey version) {
        final AtomicInteger count = inFlight.get(version);
        return count == null ? 0 : count.get();
    }

    long nextTurn(final String provider) {
        return turns.computeIfAbsent(provider, k -> new AtomicLong()).getAndIncrement();
    }
}
