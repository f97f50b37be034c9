package dev.switchboard.prober.probe;

/**
 * What one probe saw.
 *
 * @param httpStatus the status answered, or null when no HTTP answer came (connection refused, timeout)
 * @param error      why the probe failed, or null when it succeeded
 */
public record ProbeResult(boolean healthy, long latencyMs, Integer httpStatus, String error) {

    public static ProbeResult success(final long latencyMs, final int httpStatus) {
        return new ProbeResult(true, latencyMs, httpStatus, null);
    }

    public static ProbeResult failure(final long latencyMs, final Integer httpStatus, final String error) {
        return new ProbeResult(false, latencyMs, httpStatus, error);
    }
}
