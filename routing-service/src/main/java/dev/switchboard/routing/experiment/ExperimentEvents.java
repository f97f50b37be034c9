package dev.switchboard.routing.experiment;

import dev.switchboard.events.Experiment;
import dev.switchboard.events.ExperimentAllocation;
import dev.switchboard.events.ExperimentStatus;
import dev.switchboard.schemas.EnrollmentLayout;
import dev.switchboard.schemas.ExperimentSchedule;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies the experiments topic to the board: a running experiment assigns subjects, anything else stops it. */
public final class ExperimentEvents {

    private static final Logger log = LoggerFactory.getLogger(ExperimentEvents.class);

    private ExperimentEvents() {
    }

    /** @param experiment the latest definition, or null when it was deleted */
    public static void apply(final ExperimentBoard board, final String name, final Experiment experiment) {
        if (experiment == null || experiment.getStatus() != ExperimentStatus.RUNNING) {
            board.pause(name);
            log.info("Experiment {} assigns nobody ({})", name,
                experiment == null ? "deleted" : experiment.getStatus().name().toLowerCase(Locale.ROOT));
            return;
        }
        try {
            board.run(running(experiment));
            log.info("Experiment {} assigns subjects of {}/{} to {}", name, experiment.getCategory(),
                experiment.getProvider(), experiment.getArms());
        } catch (IllegalArgumentException e) {
            board.pause(name);
            log.warn("Experiment {} cannot run and assigns nobody: {}", name, e.getMessage());
        }
    }

    /**
     * A decision of stats-streams ({@code switchboard.experiment-allocations}): the experiment follows its layout.
     */
    public static void apply(final ExperimentBoard board, final ExperimentAllocation decision) {
        board.decided(decision);
        log.info("Experiment {} decision {}: {} ({}), {} of {} buckets enrolled", decision.getExperiment(),
            decision.getSequence(), decision.getState().name().toLowerCase(Locale.ROOT), decision.getReason(),
            EnrollmentLayout.enrolled(decision.getLayout()), EnrollmentLayout.BUCKETS);
    }

    /**
     * The definition as routers use it, before any decision: it ends its duration after it started, and enrolls
     * the buckets its mode starts with.
     */
    public static ExperimentBoard.Running running(final Experiment experiment) {
        return new ExperimentBoard.Running(experiment.getName(),
            experiment.getCategory() + "/" + experiment.getProvider(),
            experiment.getArms().stream()
                .map(arm -> new ExperimentBoard.Arm(arm.getName(), arm.getVersion(), arm.getShare())).toList(),
            experiment.getSalt(), ExperimentSchedule.endsAt(experiment), ExperimentSchedule.began(experiment),
            EnrollmentLayout.initial(experiment));
    }
}
