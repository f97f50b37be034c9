package dev.switchboard.rollout;

/**
 * Clients' quality scores for requests a rollout served travel on the experiments' feedback topic
 * ({@code ExperimentFeedback}), naming the rollout in its {@code experiment} field as {@code rollout:{id}}: the router
 * writes them so and stats-streams joins them so.
 */
public final class RolloutScores {

    public static final String PREFIX = "rollout:";

    private RolloutScores() {
    }

    /** The {@code experiment} field of a score for rollout {@code id}. */
    public static String scoreOf(final String id) {
        return PREFIX + id;
    }
}
