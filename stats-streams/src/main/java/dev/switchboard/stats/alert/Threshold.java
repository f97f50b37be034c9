package dev.switchboard.stats.alert;

import dev.switchboard.events.AlertComparison;
import dev.switchboard.events.AlertMetric;
import dev.switchboard.stats.daily.DailyStats;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a rule watches: a metric of a version's requests over a window, compared with a threshold once the window has
 * at least {@code minSamples} requests (a rule on requests per minute needs none: no traffic is its figure).
 */
public record Threshold(AlertMetric metric, AlertComparison comparison, double threshold, Duration window,
                        long minSamples, Duration hold) {

    public Threshold {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(comparison, "comparison");
        if (metric == AlertMetric.UNKNOWN || comparison == AlertComparison.UNKNOWN) {
            throw new IllegalArgumentException("a rule needs a known metric and comparison");
        }
        if (window.toMinutes() < 1 || hold.isNegative() || minSamples < 0) {
            throw new IllegalArgumentException("a rule needs a window of a minute or more, a hold >= 0 and a "
                + "minimum sample >= 0");
        }
    }

    /** Whether the rule watches the prober's word on a version rather than its traffic. */
    public boolean onHealth() {
        return metric == AlertMetric.UNHEALTHY || metric == AlertMetric.HEALTH_SCORE;
    }

    /**
     * A health rule's figure: the prober's latest word on the version.
     *
     * @param healthy whether the prober reports it healthy; null when it has not probed it
     * @param score   its health score (0-100), null where unknown
     */
    public Reading readHealth(final @Nullable Boolean healthy, final @Nullable Double score) {
        final Double value = healthy == null ? null
            : metric == AlertMetric.UNHEALTHY ? (Double) (healthy ? 0.0 : 1.0) : score;
        if (value == null) {
            return new Reading(Double.NaN, 0, false, "the prober has no " + name() + " for the version");
        }
        return compare(value, 1, "as the prober last reported");
    }

    /**
     * @param totals the version's requests in the window. Its samples are the requests the version answered or
     *               failed: a client's own error (4xx) or cancel says nothing about the version, as in the canary.
     */
    public Reading read(final DailyStats totals) {
        final long samples = totals.total() - totals.clientErrors() - totals.cancelled();
        final long failures = totals.upstreamErrors() + totals.timeouts();
        if (metric != AlertMetric.REQUESTS_PER_MINUTE && (samples == 0 || samples < minSamples)) {
            return Reading.insufficient(samples, minSamples);
        }
        final double value = switch (metric) {
            case ERROR_RATE -> failures / (double) samples;
            case SUCCESS_RATE -> (samples - failures) / (double) samples;
            case P50_LATENCY_MS -> totals.latencyQuantileMs(0.50);
            case P95_LATENCY_MS -> totals.latencyQuantileMs(0.95);
            case P99_LATENCY_MS -> totals.latencyQuantileMs(0.99);
            case P95_TTFT_MS -> totals.timeToFirstTokenQuantileMs(0.95);
            case REQUESTS_PER_MINUTE -> samples / (double) window.toMinutes();
            case UNHEALTHY, HEALTH_SCORE -> throw new IllegalStateException("a health rule is read by readHealth");
            case UNKNOWN -> throw new IllegalStateException("checked in the constructor");
        };
        if (Double.isNaN(value)) {
            return new Reading(value, samples, false, name() + " has no figure (no streamed answer in the window)");
        }
        return compare(value, samples, "over " + samples + " requests");
    }

    /** @param basis what the figure comes from, in words: "over 36 requests" */
    private Reading compare(final double value, final long samples, final String basis) {
        final boolean breached = comparison == AlertComparison.ABOVE ? value > threshold : value < threshold;
        return new Reading(value, samples, breached, String.format(Locale.ROOT, "%s %s %s %s %s",
            name(), format(value), breached ? side() : "not " + side(), format(threshold), basis));
    }

    private String name() {
        return metric.name().toLowerCase(Locale.ROOT);
    }

    private String side() {
        return comparison.name().toLowerCase(Locale.ROOT);
    }

    /** 812.3, 0.05, 0: a figure as a person writes it (four significant digits below 10). */
    private static String format(final double value) {
        return Math.abs(value) >= 10 ? String.format(Locale.ROOT, "%.1f", value)
            : new BigDecimal(value).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }
}
