package dev.switchboard.routing.governance;

import java.util.Arrays;
import java.util.Locale;

/** Kinds of change a provider's policy can send to an approver whatever their size. */
public enum Guard {
    /** Changing which version is the default. */
    DEFAULT,
    /** Taking a version (back) into rotation. */
    ACTIVATE,
    /** Deleting a version. */
    DELETE,
    /** Starting a progressive rollout by hand. */
    ROLLOUT_START,
    /** Promoting a rollout by hand, past its judge. */
    ROLLOUT_PROMOTE,
    /** Bringing back an earlier configuration. */
    RESTORE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the guards there are */
    public static Guard parse(final String label) {
        return Arrays.stream(values()).filter(g -> g.label().equals(label)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("'" + label + "' is not a change that can need approval; "
                + "those are " + Arrays.stream(values()).map(Guard::label).toList()));
    }
}
