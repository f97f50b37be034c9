package dev.switchboard.schemas;

import dev.switchboard.events.Experiment;
import java.time.Duration;
import java.time.Instant;

/**
 * When an experiment runs, read the same way by routers (who stop assigning at its end), results and replays (who
 * count from its beginning): it begins when first started, or when created if it never was, and lasts its
 * {@code duration_days} from then.
 */
public final class ExperimentSchedule {

    private ExperimentSchedule() {
    }

    public static Instant began(final Experiment experiment) {
        return experiment.getStartedAt() == null ? experiment.getCreatedAt() : experiment.getStartedAt();
    }

    public static Instant endsAt(final Experiment experiment) {
        return began(experiment).plus(Duration.ofDays(experiment.getDurationDays()));
    }
}
