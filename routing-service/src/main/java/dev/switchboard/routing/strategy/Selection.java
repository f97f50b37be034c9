package dev.switchboard.routing.strategy;

import dev.switchboard.events.SelectionReason;
import dev.switchboard.routing.table.VersionConfig;

/** What the selector decided for one attempt. */
public sealed interface Selection {

    /**
     * Send the attempt to {@code version}; {@code reason} and {@code subjectHash} go into the outcome event.
     *
     * @param subjectHash a keyed hash of the sticky subject, or null; never the subject itself
     */
    record Chosen(VersionConfig version, SelectionReason reason, String subjectHash) implements Selection {

        public Chosen(final VersionConfig version, final SelectionReason reason) {
            this(version, reason, null);
        }

        Chosen because(final SelectionReason next) {
            return new Chosen(version, next, subjectHash);
        }
    }

    /** No version may take this attempt; {@code why} is told to the client. */
    record NoneRoutable(String why) implements Selection {
    }
}
