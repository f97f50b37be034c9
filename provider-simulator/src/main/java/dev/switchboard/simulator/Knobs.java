package dev.switchboard.simulator;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How a simulated provider behaves right now. Changed at runtime with {@code PUT /sim/knobs}; fields left out
 * of a change keep their value.
 *
 * @param latencyMedianMs   median time to the first byte of the answer
 * @param latencySigma      shape of the log-normal latency distribution (0 makes every call take the median)
 * @param errorRate         share of calls, 0 to 1, answered with {@code errorStatus}
 * @param errorStatus       HTTP status of a simulated error (4xx or 5xx)
 * @param outage            when true every API call fails at once with 503: a hard outage
 * @param completionTokens  tokens in each answer
 * @param tokenIntervalMs   pause between streamed tokens
 * @param requiredApiKey    when set, API calls without {@code Authorization: Bearer <it>} get 401, as a real
 *                          provider's would
 * @param fault             a way of misbehaving beyond errors and slowness (see {@link Fault}); {@code none} by default
 * @param retryAfterSeconds when above 0, the simulated errors (error_rate, outage) carry {@code Retry-After} with it
 */
public record Knobs(
    @JsonProperty("latency_median_ms") double latencyMedianMs,
    @JsonProperty("latency_sigma") double latencySigma,
    @JsonProperty("error_rate") double errorRate,
    @JsonProperty("error_status") int errorStatus,
    @JsonProperty("outage") boolean outage,
    @JsonProperty("completion_tokens") int completionTokens,
    @JsonProperty("token_interval_ms") long tokenIntervalMs,
    @JsonProperty("required_api_key") String requiredApiKey,
    @JsonProperty("fault") Fault fault,
    @JsonProperty("retry_after_seconds") int retryAfterSeconds) {

    /** How a provider can break its answers, as real ones and the networks between do. */
    public enum Fault {
        /** Answers as it should. */
        @JsonProperty("none") NONE,
        /** Sends the first part of the answer (the first event of a stream), then drops the connection. */
        @JsonProperty("reset_mid_answer") RESET_MID_ANSWER,
        /** A 200 whose JSON body breaks off. */
        @JsonProperty("malformed_json") MALFORMED_JSON,
        /** A 200 with a valid JSON answer of {@link #OVERSIZED_BYTES}, beyond what a router takes. */
        @JsonProperty("oversized") OVERSIZED,
        /** Takes the request and never answers, nor closes: a black hole. */
        @JsonProperty("black_hole") BLACK_HOLE;

        /** The size of an oversized answer. */
        public static final int OVERSIZED_BYTES = 4 << 20;
    }

    public Knobs {
        fault = fault == null ? Fault.NONE : fault;
        require(retryAfterSeconds >= 0 && retryAfterSeconds <= 86_400, "retry_after_seconds must be 0-86400");
        require(latencyMedianMs >= 0 && latencyMedianMs <= 600_000, "latency_median_ms must be 0-600000");
        require(latencySigma >= 0 && latencySigma <= 3, "latency_sigma must be 0-3");
        require(errorRate >= 0 && errorRate <= 1, "error_rate must be between 0 and 1");
        require(errorStatus >= 400 && errorStatus <= 599, "error_status must be a 4xx or 5xx status");
        require(completionTokens >= 1 && completionTokens <= 100_000, "completion_tokens must be 1-100000");
        require(tokenIntervalMs >= 0 && tokenIntervalMs <= 60_000, "token_interval_ms must be 0-60000");
    }

    public Knobs(final double latencyMedianMs, final double latencySigma, final double errorRate,
                 final int errorStatus, final boolean outage, final int completionTokens, final long tokenIntervalMs) {
        this(latencyMedianMs, latencySigma, errorRate, errorStatus, outage, completionTokens, tokenIntervalMs, null);
    }

    public Knobs(final double latencyMedianMs, final double latencySigma, final double errorRate,
                 final int errorStatus, final boolean outage, final int completionTokens, final long tokenIntervalMs,
                 final String requiredApiKey) {
        this(latencyMedianMs, latencySigma, errorRate, errorStatus, outage, completionTokens, tokenIntervalMs,
            requiredApiKey, Fault.NONE, 0);
    }

    /** These knobs with a fault, and errors that say when to retry ({@code retryAfterSeconds} 0: they do not). */
    public Knobs with(final Fault newFault, final int newRetryAfterSeconds) {
        return new Knobs(latencyMedianMs, latencySigma, errorRate, errorStatus, outage, completionTokens,
            tokenIntervalMs, requiredApiKey, newFault, newRetryAfterSeconds);
    }

    /** A healthy, fairly quick provider. */
    public static Knobs defaults() {
        return new Knobs(40, 0.4, 0.0, 500, false, 16, 5);
    }

    /** Names whether a key is required, never the key: logs are no place for one, even a fake provider's. */
    @Override
    public String toString() {
        return "Knobs[latency_median_ms=" + latencyMedianMs + ", latency_sigma=" + latencySigma + ", error_rate="
            + errorRate + ", error_status=" + errorStatus + ", outage=" + outage + ", completion_tokens="
            + completionTokens + ", token_interval_ms=" + tokenIntervalMs + ", required_api_key="
            + (requiredApiKey == null ? "none" : "****") + ", fault=" + fault + ", retry_after_seconds="
            + retryAfterSeconds + "]";
    }

    private static void require(final boolean condition, final String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
