package dev.switchboard.prober.schedule;

import dev.switchboard.schemas.VersionKey;

/** A version was asked for that is not configured. */
public final class UnknownVersionException extends RuntimeException {

    public UnknownVersionException(final VersionKey key) {
        super("Unknown version '" + key + "': it is not in the provider config");
    }
}
