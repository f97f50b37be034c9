package dev.switchboard.routing.metrics;

import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.events.RequestOutcome;
import dev.switchboard.events.ShadowComparison;
import dev.switchboard.routing.outcome.OutcomeRecorder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts every attempt by provider, version and how it ended, then passes the outcome on:
 * {@code switchboard_router_attempts_total{provider, version, outcome, shadow}}. Teams on Prometheus alert on a
 * version's error rate from it (deploy/prometheus/switchboard-rules.yml) without stats-streams in the way.
 */
public final class CountedOutcomes implements OutcomeRecorder {

    /** What one counter counts; its fields are the outcome's own, so counting allocates nothing but this key. */
    private record Key(String category, String name, String version, OutcomeStatus status, boolean shadow) {
    }

    private final OutcomeRecorder next;
    private final MeterRegistry registry;
    private final Map<Key, Counter> counters = new ConcurrentHashMap<>();

    public CountedOutcomes(final OutcomeRecorder next, final MeterRegistry registry) {
        this.next = next;
        this.registry = registry;
    }

    @Override
    public void record(final RequestOutcome outcome) {
        counters.computeIfAbsent(new Key(outcome.getCategory(), outcome.getName(), outcome.getVersion(),
            outcome.getStatus(), outcome.getShadow()), this::counter).increment();
        next.record(outcome);
    }

    @Override
    public void recordComparison(final ShadowComparison comparison) {
        next.recordComparison(comparison);
    }

    private Counter counter(final Key key) {
        return Counter.builder("switchboard.router.attempts")
            .description("Attempts sent to a version, by how they ended (success, client_error, upstream_error, "
                + "timeout, cancelled); shadow calls apart")
            .tag("provider", key.category() + "/" + key.name()).tag("version", key.version())
            .tag("outcome", key.status().name().toLowerCase(Locale.ROOT)).tag("shadow", Boolean.toString(key.shadow()))
            .register(registry);
    }
}
