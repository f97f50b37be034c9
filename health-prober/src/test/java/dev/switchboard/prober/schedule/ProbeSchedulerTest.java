package dev.switchboard.prober.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.common.testing.MutableClock;
import dev.switchboard.prober.health.HealthCheckPolicy;
import dev.switchboard.prober.health.VersionHealth;
import dev.switchboard.prober.probe.ProbeTarget;
import dev.switchboard.prober.probe.Prober;
import dev.switchboard.schemas.VersionKey;
import dev.switchboard.simulator.Knobs;
import dev.switchboard.simulator.SimulatedProvider;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The scheduler with a real prober against simulated providers, a clock the test moves, and in-memory edges. */
class ProbeSchedulerTest {

    private static final VersionKey V1 = new VersionKey("LLM", "Chat", "v1");
    private static final VersionKey V2 = new VersionKey("LLM", "Chat", "v2");
    private static final HealthCheckPolicy POLICY =
        new HealthCheckPolicy(true, Duration.ofMinutes(5), 3, Duration.ofHours(1));

    private final MutableClock clock = new MutableClock();
    private final AtomicReference<HealthCheckPolicy> policy = new AtomicReference<>(POLICY);
    /** How often the scheduler has read the policy: each tick reads it once, first. */
    private final AtomicInteger policyReads = new AtomicInteger();
    private final Set<VersionKey> owned = ConcurrentHashMap.newKeySet();
    private final Map<VersionKey, VersionHealth> published = new ConcurrentHashMap<>();
    private final List<HealthReport> reports = new CopyOnWriteArrayList<>();
    private SimulatedProvider v1;
    private SimulatedProvider v2;
    private ProbeScheduler scheduler;

    @BeforeEach
    void start() throws Exception {
        v1 = SimulatedProvider.start("v1", "127.0.0.1", 0, Knobs.defaults());
        v2 = SimulatedProvider.start("v2", "127.0.0.1", 0, Knobs.defaults());
        scheduler = new ProbeScheduler(new ProbeScheduler.Edges(
            () -> List.of(target(V1, v1), target(V2, v2)), owned::contains,
            key -> Optional.ofNullable(published.get(key)), () -> {
                policyReads.incrementAndGet();
                return policy.get();
            }, key -> Optional.empty(), reports::add),
            new Prober(Duration.ofSeconds(2)), clock);
        scheduler.start();
    }

    @AfterEach
    void stop() {
        scheduler.close();
        v1.close();
        v2.close();
    }

    @Test
    void shouldProbeOnlyTheVersionsThisProberOwnsOncePerInterval() {
        owned.add(V1);

        await().until(() -> reportsOf(V1) == 1);
        clock.advance(Duration.ofMinutes(5));
        await().until(() -> reportsOf(V1) == 2);

        assertThat(reportsOf(V2)).isZero();
        assertThat(v2.apiCalls()).isZero();
        assertThat(reports.get(1).health().consecutiveSuccesses()).isEqualTo(2);
    }

    @Test
    void shouldTakeOverAVersionFromItsPublishedStateAndWaitForItsRetryTime() {
        v1.setKnobs(new Knobs(0, 0, 0, 500, true, 1, 0));
        VersionHealth failing = VersionHealth.unknown();
        for (int i = 0; i < 2; i++) {
            failing = failing.afterFailure(clock.instant().minusSeconds(600 - 300L * i), Optional.of(503), "HTTP 503",
                5, POLICY);
        }
        published.put(V1, failing);

        owned.add(V1); // taken over from a prober that saw two failures in a row
        await().until(() -> reportsOf(V1) == 1);

        final HealthReport third = reports.get(0);
        assertThat(third.health().status()).isEqualTo(VersionHealth.Status.UNHEALTHY);
        assertThat(third.health().errorCount()).isEqualTo(3);
        assertThat(third.score()).isZero();
        assertThat(third.health().nextRetryAt()).contains(third.checkedAt().plus(Duration.ofHours(1)));

        v1.setKnobs(Knobs.defaults());
        clock.advance(Duration.ofMinutes(30)); // past the interval, before the retry time: not probed
        await().during(Duration.ofMillis(3 * ProbeScheduler.TICK.toMillis())).until(() -> reportsOf(V1) == 1);
        clock.advance(Duration.ofMinutes(30));
        await().until(() -> reportsOf(V1) == 2);
        assertThat(reports.get(1).health().status()).isEqualTo(VersionHealth.Status.HEALTHY);
    }

    @Test
    void shouldProbeNothingWhileTurnedOffAndResumeWhenTurnedOn() {
        policy.set(new HealthCheckPolicy(false, Duration.ofMinutes(5), 3, Duration.ofHours(1)));
        // A tick that read the policy just before it was turned off may still be looking at owned versions: wait
        // for the next tick (ticks run one after another), so none sees V1 under the old policy.
        final int readsWhenTurnedOff = policyReads.get();
        await().until(() -> policyReads.get() > readsWhenTurnedOff);
        owned.add(V1);
        owned.add(V2);
        final HealthReport forced = scheduler.checkNow(V2); // an operator may still check by hand
        assertThat(forced.forced()).isTrue();
        clock.advance(Duration.ofHours(1));
        await().during(Duration.ofMillis(3 * ProbeScheduler.TICK.toMillis()))
            .until(() -> v1.apiCalls() == 0 && reportsOf(V2) == 1);

        policy.set(POLICY);
        await().until(() -> reportsOf(V1) == 1 && reportsOf(V2) == 2);
        assertThat(v1.apiCalls()).isEqualTo(1);
    }

    @Test
    void shouldRefuseToCheckAVersionThatIsNotConfigured() {
        assertThatThrownBy(() -> scheduler.checkNow(new VersionKey("LLM", "Chat", "v9")))
            .isInstanceOf(UnknownVersionException.class)
            .hasMessageContaining("LLM/Chat/v9");
    }

    private long reportsOf(final VersionKey key) {
        return reports.stream().filter(r -> r.version().equals(key)).count();
    }

    private static ProbeTarget target(final VersionKey key, final SimulatedProvider upstream) {
        return new ProbeTarget(key, "openai", URI.create("http://127.0.0.1:" + upstream.port()), "m", true,
            Optional.empty());
    }
}
