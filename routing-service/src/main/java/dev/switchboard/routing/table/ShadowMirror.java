package dev.switchboard.routing.table;

import java.util.Objects;

/**
 * Seed 003's shadow mode for a provider: {@code percentage} of the requests another version answered are sent to
 * {@code candidate} as well, and the two answers compared; the client only ever gets the first.
 */
public record ShadowMirror(String candidate, double percentage) {

    public ShadowMirror {
        Objects.requireNonNull(candidate, "candidate");
        if (!(percentage >= 0 && percentage <= 100)) {
            throw new IllegalArgumentException("a shadow percentage is 0-100, got " + percentage);
        }
    }
}
