package dev.switchboard.stats.canary;

import dev.switchboard.events.RolloutGate;
import java.util.Locale;
import java.util.Objects;

/**
 * A condition a canary must meet to go on (issue 7's gates): a metric, held either against the baseline on the same
 * windows or to an absolute limit. The judge holds each to an always-valid interval: a gate passes once the whole
 * interval is within what it allows, fails once the whole interval is beyond it, and is undecided in between.
 *
 * @param limit for {@link Kind#VS_BASELINE}, how much worse than the baseline is allowed (error-rate points as a
 *              share, 0.01 for one point; milliseconds of p95; score below the baseline's mean); for
 *              {@link Kind#ABSOLUTE}, the limit itself (the highest error rate or p95, the lowest mean score)
 */
public record Gate(Metric metric, Kind kind, double limit) {

    /** What a gate watches, and which way is worse. */
    public enum Metric {
        ERROR_RATE(true), LATENCY_P95(true), TIME_TO_FIRST_TOKEN_P95(true), QUALITY_SCORE(false),
        /** US dollars per answered request; against the baseline, the limit is a share of the baseline's. */
        COST_PER_REQUEST(true);

        private final boolean higherIsWorse;

        Metric(final boolean higherIsWorse) {
            this.higherIsWorse = higherIsWorse;
        }

        public boolean higherIsWorse() {
            return higherIsWorse;
        }

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Against the baseline's own value on the same windows, or against a fixed limit. */
    public enum Kind {
        VS_BASELINE, ABSOLUTE
    }

    public Gate {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(kind, "kind");
        if (!Double.isFinite(limit) || kind == Kind.VS_BASELINE && limit < 0) {
            throw new IllegalArgumentException("a gate's limit is a finite number, and a margin over the baseline is "
                + "not negative; got " + limit);
        }
        if (metric == Metric.ERROR_RATE && !(limit >= 0 && limit < 1)) {
            throw new IllegalArgumentException("an error-rate gate's limit is a share in [0, 1), got " + limit);
        }
    }

    /** A gate as rollouts and experiments' guardrails write it. */
    public static Gate of(final RolloutGate gate) {
        final Metric metric = switch (gate.getMetric()) {
            case ERROR_RATE -> Metric.ERROR_RATE;
            case LATENCY_P95 -> Metric.LATENCY_P95;
            case TIME_TO_FIRST_TOKEN_P95 -> Metric.TIME_TO_FIRST_TOKEN_P95;
            case QUALITY_SCORE -> Metric.QUALITY_SCORE;
            case COST_PER_REQUEST -> Metric.COST_PER_REQUEST;
            case UNKNOWN -> throw new IllegalArgumentException("a gate's metric is unknown to this stats-streams");
        };
        final Kind kind = switch (gate.getKind()) {
            case VS_BASELINE -> Kind.VS_BASELINE;
            case ABSOLUTE -> Kind.ABSOLUTE;
            case UNKNOWN -> throw new IllegalArgumentException("a gate's kind is unknown to this stats-streams");
        };
        return new Gate(metric, kind, gate.getLimit());
    }

    /**
     * How the gate is named in decisions and answers, e.g. {@code error_rate <= baseline + 0.01}, or for a cost
     * {@code cost_per_request <= baseline x 1.1}.
     */
    public String describe() {
        final String sign = metric.higherIsWorse() ? " <= " : " >= ";
        return metric.jsonName() + sign + switch (kind) {
            case VS_BASELINE -> metric == Metric.COST_PER_REQUEST ? "baseline x " + (1 + limit)
                : "baseline " + (metric.higherIsWorse() ? "+ " : "- ") + limit;
            case ABSOLUTE -> Double.toString(limit);
        };
    }
}
