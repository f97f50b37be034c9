package dev.switchboard.routing.strategy;

import dev.switchboard.events.SelectionReason;
import dev.switchboard.routing.table.VersionConfig;
import org.jspecify.annotations.Nullable;

/** What the selector decided for one attempt. */
public sealed interface Selection {

    /**
     * Send the attempt to {@code version}; the rest goes into the outcome event.
     *
     * @param subjectHash a keyed hash of the sticky subject, or null; never the subject itself
     * @param experiment  the experiment the subject was assigned in, or null
     * @param arm         the subject's arm of that experiment, or null
     */
    record Chosen(VersionConfig version, SelectionReason reason, @Nullable String subjectHash,
                  @Nullable String experiment, @Nullable String arm) implements Selection {

        public Chosen(final VersionConfig version, final SelectionReason reason) {
            this(version, reason, null);
        }

        public Chosen(final VersionConfig version, final SelectionReason reason, final @Nullable String subjectHash) {
            this(version, reason, subjectHash, null, null);
        }

        Chosen because(final SelectionReason next) {
            return new Chosen(version, next, subjectHash, experiment, arm);
        }
    }

    /** No version may take this attempt; {@code why} is told to the client. */
    record NoneRoutable(String why) implements Selection {
    }
}
