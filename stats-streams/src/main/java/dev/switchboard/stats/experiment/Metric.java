package dev.switchboard.stats.experiment;

import java.util.Arrays;
import java.util.Locale;

/** What an experiment is judged on (seed 002's {@code success_metric}), and which direction is better. */
public enum Metric {
    /** Share of requests answered successfully; a two-proportion test. */
    SUCCESS_RATE(true),
    /** Latency in milliseconds; Mann-Whitney on the whole distributions, and Welch's t-test on the means. */
    LATENCY(false),
    /** Completion tokens per request (cost); Welch's t-test. */
    TOKENS(false),
    /** A quality score the client reports per request; Welch's t-test. */
    SCORE(true),
    /** Dollars per request, from the versions' prices (priced outcomes only); Welch's t-test. */
    COST_PER_REQUEST(false);

    private final boolean higherIsBetter;

    Metric(final boolean higherIsBetter) {
        this.higherIsBetter = higherIsBetter;
    }

    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /** The JSON name: {@code success_rate}, {@code latency}, {@code tokens}, {@code score}, {@code cost_per_request}. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the metrics there are */
    public static Metric parse(final String name) {
        return Arrays.stream(values()).filter(metric -> metric.jsonName().equals(name)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("success_metric must be one of "
                + Arrays.stream(values()).map(Metric::jsonName).toList() + ", got '" + name + "'"));
    }
}
