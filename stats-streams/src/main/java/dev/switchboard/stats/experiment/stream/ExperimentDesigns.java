package dev.switchboard.stats.experiment.stream;

import dev.switchboard.events.AdaptiveSettings;
import dev.switchboard.events.Experiment;
import dev.switchboard.events.ExperimentArm;
import dev.switchboard.events.ExperimentMetric;
import dev.switchboard.events.ExperimentMode;
import dev.switchboard.stats.experiment.ExperimentDesign;
import dev.switchboard.stats.experiment.Metric;
import dev.switchboard.stats.experiment.adaptive.AdaptiveDesign;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/** An experiment's event as the statistics core takes it. */
public final class ExperimentDesigns {

    private ExperimentDesigns() {
    }

    /**
     * An adaptive experiment's search: its metric and settings, the effect it is most sensitive to, and the sample
     * an arm needs before it can be eliminated.
     *
     * @throws IllegalArgumentException when it is not adaptive, or its settings cannot be searched with
     */
    public static AdaptiveDesign adaptive(final Experiment experiment) {
        final AdaptiveSettings settings = experiment.getAdaptive();
        if (experiment.getMode() != ExperimentMode.ADAPTIVE || settings == null) {
            throw new IllegalArgumentException("experiment '" + experiment.getName() + "' is not adaptive");
        }
        return new AdaptiveDesign(metric(experiment), settings.getHigherIsBetter(), settings.getConfidence(),
            settings.getExplorationFloor(), experiment.getMinimumDetectableEffect(),
            experiment.getMinimumSample() == null ? AdaptiveDesign.DEFAULT_MINIMUM_SAMPLE_PER_ARM
                : experiment.getMinimumSample(), settings.getMaximumSample(), settings.getMaximumArms());
    }

    private static Metric metric(final Experiment experiment) {
        if (experiment.getSuccessMetric() == ExperimentMetric.UNKNOWN) {
            throw new IllegalArgumentException("experiment '" + experiment.getName()
                + "' has a success metric this version of stats-streams does not know");
        }
        return Metric.valueOf(experiment.getSuccessMetric().name());
    }

    /** @throws IllegalArgumentException when the definition cannot be judged (an unknown metric, a bad split) */
    public static ExperimentDesign of(final Experiment experiment) {
        final Map<String, Double> split = new LinkedHashMap<>();
        for (final ExperimentArm arm : experiment.getArms()) {
            split.put(arm.getName(), arm.getShare());
        }
        return new ExperimentDesign(experiment.getName(), split, metric(experiment),
            experiment.getMinimumDetectableEffect(), experiment.getAlpha(), experiment.getPower(),
            experiment.getMinimumSample() == null ? OptionalLong.empty()
                : OptionalLong.of(experiment.getMinimumSample()));
    }
}
