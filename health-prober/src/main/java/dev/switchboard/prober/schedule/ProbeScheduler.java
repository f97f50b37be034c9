package dev.switchboard.prober.schedule;

import dev.switchboard.events.HealthEvent;
import dev.switchboard.prober.probe.ProbeResult;
import dev.switchboard.prober.probe.ProbeTarget;
import dev.switchboard.prober.probe.Prober;
import dev.switchboard.schemas.VersionKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every interval, probes every active version concurrently (one slow upstream delays no other) and publishes a
 * health event per probe to {@code sink}, which must not block. A round that is still running when the next is due is not started twice for a version.
 */
public final class ProbeScheduler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProbeScheduler.class);

    private final Supplier<Collection<ProbeTarget>> targets;
    private final Prober prober;
    private final Consumer<HealthEvent> sink;
    private final Clock clock;
    private final String instanceId;
    private final ScheduledExecutorService ticker =
        Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("probe-ticker").daemon().factory());
    private final ExecutorService probes = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<VersionKey, Integer> consecutiveFailures = new ConcurrentHashMap<>();
    private final Map<VersionKey, Boolean> inProgress = new ConcurrentHashMap<>();
    private final Map<VersionKey, Boolean> lastHealthy = new ConcurrentHashMap<>();

    public ProbeScheduler(final Supplier<Collection<ProbeTarget>> targets, final Prober prober,
                          final Consumer<HealthEvent> sink, final Clock clock,
                          final String instanceId) {
        this.targets = targets;
        this.prober = prober;
        this.sink = sink;
        this.clock = clock;
        this.instanceId = instanceId;
    }

    public void start(final Duration interval) {
        ticker.scheduleWithFixedDelay(this::round, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        log.info("Health check service started: probing every {} as {}", interval, instanceId);
    }

    private void round() {
        try {
            for (final ProbeTarget target : targets.get()) {
                if (target.active() && inProgress.putIfAbsent(target.key(), Boolean.TRUE) == null) {
                    probes.submit(() -> probeOne(target));
                }
            }
        } catch (RuntimeException e) {
            log.error("A probe round failed to start: {}", e.toString(), e);
        }
    }

    private void probeOne(final ProbeTarget target) {
        try {
            final ProbeResult result = prober.probe(target);
            final int failures = result.healthy() ? 0 : consecutiveFailures.merge(target.key(), 1, Integer::sum);
            if (result.healthy()) {
                consecutiveFailures.remove(target.key());
            }
            final Boolean previous = lastHealthy.put(target.key(), result.healthy());
            if (previous == null || previous != result.healthy()) {
                log.info("Version {} is {} ({} ms{})", target.key(), result.healthy() ? "healthy" : "unhealthy",
                    result.latencyMs(), result.error() == null ? "" : ", " + result.error());
            }
            sink.accept(event(target, result, failures));
        } finally {
            inProgress.remove(target.key());
        }
    }

    private HealthEvent event(final ProbeTarget target, final ProbeResult result, final int failures) {
        return HealthEvent.newBuilder()
            .setCategory(target.key().category())
            .setName(target.key().name())
            .setVersion(target.key().version())
            .setCheckedAt(clock.instant())
            .setHealthy(result.healthy())
            .setLatencyMs(result.latencyMs())
            .setHttpStatus(result.httpStatus())
            .setError(result.error())
            .setConsecutiveFailures(failures)
            .setProberInstance(instanceId)
            .build();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        probes.shutdownNow();
    }
}
