package dev.switchboard.prober.schedule;

import dev.switchboard.prober.health.HealthCheckPolicy;
import dev.switchboard.prober.health.LiveTraffic;
import dev.switchboard.prober.health.VersionHealth;
import dev.switchboard.prober.probe.ProbeResult;
import dev.switchboard.prober.probe.ProbeTarget;
import dev.switchboard.prober.probe.Prober;
import dev.switchboard.schemas.VersionKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes the versions this prober owns when each is due (see {@link VersionHealth#isDue}), concurrently so one
 * slow upstream delays no other, and reports each result with the version's new health state. The policy is read
 * on every tick, so turning probing off or changing the interval takes effect without a restart.
 *
 * <p>Several probers share the versions: {@code owned} says which are this one's. A version taken over from
 * another prober carries on from the state that prober last published, not from scratch.
 */
public final class ProbeScheduler implements AutoCloseable {

    /** What the scheduler reads and where its reports go; each is an edge (Kafka, HTTP) wired in from outside. */
    public record Edges(Supplier<Collection<ProbeTarget>> targets, Predicate<VersionKey> owned,
                        Function<VersionKey, Optional<VersionHealth>> published,
                        Supplier<HealthCheckPolicy> policy,
                        Function<VersionKey, Optional<LiveTraffic>> liveTraffic,
                        Consumer<HealthReport> reports) {
    }

    private static final Logger log = LoggerFactory.getLogger(ProbeScheduler.class);

    /** How often due versions are looked for: the most a probe starts late. */
    static final Duration TICK = Duration.ofMillis(250);

    private final Edges edges;
    private final Prober prober;
    private final Clock clock;
    private final ScheduledExecutorService ticker =
        Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("probe-ticker").daemon().factory());
    private final ExecutorService probes = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<VersionKey, VersionHealth> states = new ConcurrentHashMap<>();
    private final Set<VersionKey> inProgress = ConcurrentHashMap.newKeySet();
    private final AtomicReference<HealthCheckPolicy> lastPolicy = new AtomicReference<>();

    public ProbeScheduler(final Edges edges, final Prober prober, final Clock clock) {
        this.edges = edges;
        this.prober = prober;
        this.clock = clock;
    }

    public void start() {
        ticker.scheduleWithFixedDelay(this::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
        log.info("Health check service started: {}", describe(edges.policy().get()));
    }

    private void tick() {
        try {
            final HealthCheckPolicy policy = edges.policy().get();
            noticeChange(policy);
            final Instant now = clock.instant();
            final Set<VersionKey> configured = new HashSet<>();
            for (final ProbeTarget target : edges.targets().get()) {
                configured.add(target.key());
                if (policy.enabled() && target.active() && edges.owned().test(target.key())
                    && current(target.key()).isDue(now, policy) && inProgress.add(target.key())) {
                    probes.execute(() -> probeInTurn(target, policy));
                }
            }
            states.keySet().retainAll(configured); // deleted versions are forgotten
        } catch (RuntimeException e) {
            log.error("Looking for versions due a probe failed: {}", e.toString(), e);
        }
    }

    private void probeInTurn(final ProbeTarget target, final HealthCheckPolicy policy) {
        try {
            check(target, policy, false);
        } catch (RuntimeException e) {
            log.error("Probing {} failed: {}", target.key(), e.toString(), e);
        } finally {
            inProgress.remove(target.key());
        }
    }

    /**
     * Probes a version now, whoever owns it, and reports the result like any other.
     *
     * @throws UnknownVersionException when no such version is configured
     */
    public HealthReport checkNow(final VersionKey key) {
        final ProbeTarget target = edges.targets().get().stream().filter(t -> t.key().equals(key)).findFirst()
            .orElseThrow(() -> new UnknownVersionException(key));
        return check(target, edges.policy().get(), true);
    }

    private HealthReport check(final ProbeTarget target, final HealthCheckPolicy policy, final boolean forced) {
        final ProbeResult result = prober.probe(target);
        // Health events carry milliseconds: the state keeps no more, so it reads the same from either.
        final Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        final AtomicReference<VersionHealth> before = new AtomicReference<>();
        final VersionHealth after = states.compute(target.key(), (key, local) -> {
            final VersionHealth previous = newer(local, edges.published().apply(key));
            before.set(previous);
            return result.healthy()
                ? previous.afterSuccess(now, Objects.requireNonNull(result.httpStatus(), "a success has a status"),
                    result.latencyMs())
                : previous.afterFailure(now, Optional.ofNullable(result.httpStatus()),
                    Objects.requireNonNullElse(result.error(), "the probe failed"), result.latencyMs(), policy);
        });
        final double score = after.score(edges.liveTraffic().apply(target.key()));
        final VersionHealth previous = Objects.requireNonNull(before.get(), "set by the compute above");
        if (previous.status() != after.status()) {
            log.info("Version {} is now {} (was {}): {}", target.key(), after.status(), previous.status(),
                result.healthy() ? "probe answered HTTP " + result.httpStatus() + " in " + result.latencyMs() + " ms"
                    : result.error() + ", " + after.errorCount() + " failure(s) in a row"
                        + after.nextRetryAt().map(at -> "; next probe at " + at).orElse(""));
        }
        final HealthReport report = new HealthReport(target.key(), after, result, score, forced, now);
        edges.reports().accept(report);
        return report;
    }

    /** The state to go on from: this prober's own, or the published one when another prober checked since. */
    private VersionHealth current(final VersionKey key) {
        return newer(states.get(key), edges.published().apply(key));
    }

    private static VersionHealth newer(final @Nullable VersionHealth local,
                                       final Optional<VersionHealth> published) {
        if (published.isEmpty()) {
            return local == null ? VersionHealth.unknown() : local;
        }
        if (local == null) {
            return published.get();
        }
        final Instant localAt = local.lastValidatedAt().orElse(Instant.MIN);
        return published.get().lastValidatedAt().filter(localAt::isBefore).isPresent() ? published.get() : local;
    }

    private void noticeChange(final HealthCheckPolicy policy) {
        final HealthCheckPolicy previous = lastPolicy.getAndSet(policy);
        if (previous != null && !previous.equals(policy)) {
            log.info("Health check policy changed: {}", describe(policy));
        }
    }

    private static String describe(final HealthCheckPolicy policy) {
        return policy.enabled()
            ? "probing every " + policy.interval() + ", unhealthy after " + policy.maxErrorCount()
                + " failures in a row, retried after " + policy.retryAfter()
            : "probing is turned off";
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        probes.shutdownNow();
    }
}
