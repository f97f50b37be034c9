package dev.switchboard.routing.proxy;

import dev.switchboard.schemas.VersionKey;

/**
 * Where the router's own share of a request's time goes: the whole request, from the front door taking it to the
 * answer's last byte sent, minus the time its attempts spent waiting on upstreams. Called once per request.
 */
@FunctionalInterface
public interface OverheadRecorder {

    /** @param version the version whose answer the client got (or the last one tried) */
    void record(VersionKey version, long nanos);
}
