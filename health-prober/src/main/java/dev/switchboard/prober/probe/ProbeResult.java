package dev.switchboard.prober.probe;

import org.jspecify.annotations.Nullable;

/**
 * What one probe saw.
 *
 * @param httpStatus the status answered, or null when no HTTP answer came (connection refused, timeout)
 * @param error      why the probe failed, or null when it succeeded
 */
public record ProbeResult(boolean healthy, long latencyMs, @Nullable Integer httpStatus, @Nullable String error) {

    public static ProbeResult success(final long latencyMs, final int httpStatus) {
        return new ProbeResult(true, latencyMs, httpStatus, null);
    }

    public static ProbeResult failure(final long latencyMs, final @Nullable Integer httpStatus, final String error) {
        return new ProbeResult(false, latencyMs, httpStatus, error);
    }
}
