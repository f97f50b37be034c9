package dev.switchboard.stats.experiment;

import java.util.Locale;

/** What an experiment says of a candidate against the control. */
public enum Verdict {
    CANDIDATE_BETTER,
    CANDIDATE_WORSE,
    NO_DETECTABLE_DIFFERENCE,
    NOT_ENOUGH_DATA;

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
