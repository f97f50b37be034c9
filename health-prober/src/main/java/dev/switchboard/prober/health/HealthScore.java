package dev.switchboard.prober.health;

import java.util.Optional;

/**
 * The health score of a version, 0-100, that the router's {@code health} strategy routes by:
 *
 * <pre>
 *   score   = 0 for an unhealthy version, else 100 x success x speed, rounded to one decimal
 *   success = the probe success average; once live traffic has at least {@value #MIN_LIVE_REQUESTS} requests,
 *             the mean of that average and the live success rate
 *   speed   = 1 up to {@value #FAST_MS} ms of latency, falling linearly to {@value #SLOWEST_SPEED} at
 *             {@value #SLOW_MS} ms and beyond; the latency is the probe latency average, or with enough live
 *             traffic the mean of it and the live average response time
 * </pre>
 *
 * A version that fails half its calls scores at most 50; one that answers everything but takes 10 s scores 50.
 */
final class HealthScore {

    static final int MIN_LIVE_REQUESTS = 20;
    static final long FAST_MS = 1_000;
    static final long SLOW_MS = 10_000;
    static final double SLOWEST_SPEED = 0.5;

    private HealthScore() {
    }

    public static double of(final VersionHealth health, final Optional<LiveTraffic> live) {
        if (!health.healthy()) {
            return 0;
        }
        final Optional<LiveTraffic> enough = live.filter(traffic -> traffic.requests() >= MIN_LIVE_REQUESTS);
        final double success = enough
            .map(traffic -> (health.probeSuccess() + traffic.successRatePercent() / 100) / 2)
            .orElse(health.probeSuccess());
        final Optional<Double> latency = enough.isPresent() && health.probeLatencyMs().isPresent()
            ? Optional.of((health.probeLatencyMs().get() + enough.get().averageLatencyMs()) / 2)
            : health.probeLatencyMs().or(() -> enough.map(LiveTraffic::averageLatencyMs));
        final double score = 100 * success * latency.map(HealthScore::speed).orElse(1.0);
        return Math.round(score * 10) / 10.0;
    }

    static double speed(final double latencyMs) {
        if (latencyMs <= FAST_MS) {
            return 1;
        }
        final double slowness = Math.min(1, (latencyMs - FAST_MS) / (SLOW_MS - FAST_MS));
        return 1 - slowness * (1 - SLOWEST_SPEED);
    }
}
