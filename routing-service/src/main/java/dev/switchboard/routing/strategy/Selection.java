package dev.switchboard.routing.strategy;

import dev.switchboard.events.SelectionReason;
import dev.switchboard.routing.table.VersionConfig;

/** What the selector decided for one request. */
public sealed interface Selection {

    /** Send the request to {@code version}; {@code reason} goes into the outcome event. */
    record Chosen(VersionConfig version, SelectionReason reason) implements Selection {
    }

    /** No version may take this request; {@code why} is told to the client. */
    record NoneRoutable(String why) implements Selection {
    }
}
