package dev.switchboard.stats.experiment;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How an experiment is judged: its arms and the share of traffic each should get (the first is the control, seed
 * 002's {@code model_a}), the metric, the smallest effect worth detecting (points of a rate, or a share of the
 * control's mean), and the error rates accepted. Without an explicit minimum sample, each arm needs the sample that
 * gives the power asked for at the control's observed rate or spread, and at least {@link #FLOOR} (seed 002).
 */
public record ExperimentDesign(String name, Map<String, Double> split, Metric metric, double minimumEffect,
                               double alpha, double power, OptionalLong minimumSample) {

    /** Seed 002: no verdict below 100 samples per arm, whatever the power analysis says. */
    public static final long FLOOR = 100;
    public static final double DEFAULT_ALPHA = 0.05;
    public static final double DEFAULT_POWER = 0.8;
    public static final double DEFAULT_MINIMUM_EFFECT = 0.05;

    public ExperimentDesign {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(metric, "metric");
        if (split.size() < 2) {
            throw new IllegalArgumentException("an experiment has at least two arms, got " + split.keySet());
        }
        split.forEach((arm, share) -> {
            if (!(share > 0 && share <= 1)) {
                throw new IllegalArgumentException("the share of arm '" + arm + "' must be in (0, 1], got " + share);
            }
        });
        if (Math.abs(split.values().stream().mapToDouble(Double::doubleValue).sum() - 1) > 1e-6) {
            throw new IllegalArgumentException("the traffic split must add up to 1, got " + split);
        }
        if (!(minimumEffect > 0) || !(alpha > 0 && alpha < 0.5) || !(power >= 0.5 && power < 1)) {
            throw new IllegalArgumentException("need minimum effect > 0, 0 < alpha < 0.5 and 0.5 <= power < 1");
        }
        split = new LinkedHashMap<>(split);
    }

    public String control() {
        return split.keySet().iterator().next();
    }

    /** Confidence of the intervals reported: 1 - alpha. */
    public double confidence() {
        return 1 - alpha;
    }

    /** The significance level each comparison is held to: alpha shared among the candidates (Bonferroni). */
    public double comparisonAlpha() {
        return alpha / (split.size() - 1);
    }
}
