package dev.switchboard.prober.health;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One version's health, as seed 004's {@code ProviderValidation}, and its health score. Immutable: each probe
 * result makes the next state through {@link #afterSuccess} or {@link #afterFailure}, with the time passed in.
 *
 * <p>The transitions: a success makes the version healthy, clears its error count and counts one more success
 * in a row. A failure counts one more error; at {@code max_error_count} errors in a row the version is unhealthy
 * and is not probed again until {@code next_retry_at} ({@code retry_after} later). A failed retry sets the next
 * retry one more {@code retry_after} away; a successful one restores the version at once.
 *
 * <p>The whole state, score inputs included, fits in one health event, so a prober that takes a version over
 * from another carries on where the other stopped.
 *
 * @param errorCount           failed probes in a row
 * @param lastError            why the latest failed probe failed; kept after a success, to explain the past
 * @param lastStatusCode       the HTTP status of the latest probe; empty when it got no HTTP answer
 * @param lastValidatedAt      when the latest probe finished
 * @param nextRetryAt          when an unhealthy version is probed again; empty while healthy
 * @param consecutiveSuccesses successful probes in a row
 * @param probeSuccess         moving average of probe outcomes (1 a success, 0 a failure)
 * @param probeLatencyMs       moving average of probe latency; empty before the first probe
 */
public record VersionHealth(Status status, int errorCount, Optional<String> lastError,
                            Optional<Integer> lastStatusCode, Optional<Instant> lastValidatedAt,
                            Optional<Instant> lastSuccessAt, Optional<Instant> nextRetryAt,
                            int consecutiveSuccesses, double probeSuccess, Optional<Double> probeLatencyMs) {

    public enum Status {
        /** Never probed: routable, as a new version must not wait for its first probe. */
        UNKNOWN,
        HEALTHY,
        /** Healthy, but its latest probes failed: fewer than {@code max_error_count} in a row. */
        DEGRADED,
        UNHEALTHY;

        public boolean routable() {
            return this != UNHEALTHY;
        }
    }

    /** Weight of the newest probe in the moving averages: about the last five probes count. */
    static final double SMOOTHING = 0.3;

    public VersionHealth {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(lastStatusCode, "lastStatusCode");
        Objects.requireNonNull(lastValidatedAt, "lastValidatedAt");
        Objects.requireNonNull(lastSuccessAt, "lastSuccessAt");
        Objects.requireNonNull(nextRetryAt, "nextRetryAt");
        Objects.requireNonNull(probeLatencyMs, "probeLatencyMs");
    }

    public static VersionHealth unknown() {
        return new VersionHealth(Status.UNKNOWN, 0, Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), 0, 1.0, Optional.empty());
    }

    public boolean healthy() {
        return status.routable();
    }

    /** When the next probe is due: an unhealthy version's at its retry time, others an interval after the last. */
    public Optional<Instant> dueAt(final HealthCheckPolicy policy) {
        return status == Status.UNHEALTHY && nextRetryAt.isPresent() ? nextRetryAt
            : lastValidatedAt.map(last -> last.plus(policy.interval()));
    }

    /** Whether the version is due a probe at {@code now}: an unhealthy one at its retry time, others each interval. */
    public boolean isDue(final Instant now, final HealthCheckPolicy policy) {
        if (status == Status.UNHEALTHY) {
            return nextRetryAt.map(retry -> !now.isBefore(retry)).orElse(true);
        }
        return lastValidatedAt.map(last -> !now.isBefore(last.plus(policy.interval()))).orElse(true);
    }

    /** @param statusCode the status the probe got */
    public VersionHealth afterSuccess(final Instant now, final int statusCode, final long latencyMs) {
        return new VersionHealth(Status.HEALTHY, 0, lastError, Optional.of(statusCode), Optional.of(now),
            Optional.of(now), Optional.empty(), consecutiveSuccesses + 1, average(probeSuccess, 1.0),
            Optional.of(averageLatency(latencyMs)));
    }

    /** @param statusCode the status the probe got, or empty when it got no HTTP answer */
    public VersionHealth afterFailure(final Instant now, final Optional<Integer> statusCode, final String error,
                                      final long latencyMs, final HealthCheckPolicy policy) {
        final int errors = errorCount + 1;
        final boolean unhealthy = errors >= policy.maxErrorCount();
        return new VersionHealth(unhealthy ? Status.UNHEALTHY : Status.DEGRADED, errors, Optional.of(error),
            statusCode, Optional.of(now), lastSuccessAt,
            unhealthy ? Optional.of(now.plus(policy.retryAfter())) : Optional.empty(), 0,
            average(probeSuccess, 0.0), Optional.of(averageLatency(latencyMs)));
    }

    /** The health score 0-100 of this state and the version's live traffic; see {@link HealthScore}. */
    public double score(final Optional<LiveTraffic> live) {
        return HealthScore.of(this, live);
    }

    private static double average(final double previous, final double latest) {
        return previous + SMOOTHING * (latest - previous);
    }

    private double averageLatency(final long latencyMs) {
        return probeLatencyMs.map(previous -> average(previous, latencyMs)).orElse((double) latencyMs);
    }
}
