package dev.switchboard.stats.experiment.stream;

import dev.switchboard.events.Experiment;
import dev.switchboard.events.ExperimentArm;
import dev.switchboard.events.ExperimentMetric;
import dev.switchboard.stats.experiment.ExperimentDesign;
import dev.switchboard.stats.experiment.Metric;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/** An experiment's event as the statistics core takes it. */
public final class ExperimentDesigns {

    private ExperimentDesigns() {
    }

    /** @throws IllegalArgumentException when the definition cannot be judged (an unknown metric, a bad split) */
    public static ExperimentDesign of(final Experiment experiment) {
        final Map<String, Double> split = new LinkedHashMap<>();
        for (final ExperimentArm arm : experiment.getArms()) {
            split.put(arm.getName(), arm.getShare());
        }
        if (experiment.getSuccessMetric() == ExperimentMetric.UNKNOWN) {
            throw new IllegalArgumentException("experiment '" + experiment.getName()
                + "' has a success metric this version of stats-streams does not know");
        }
        return new ExperimentDesign(experiment.getName(), split, Metric.valueOf(experiment.getSuccessMetric().name()),
            experiment.getMinimumDetectableEffect(), experiment.getAlpha(), experiment.getPower(),
            experiment.getMinimumSample() == null ? OptionalLong.empty()
                : OptionalLong.of(experiment.getMinimumSample()));
    }
}
