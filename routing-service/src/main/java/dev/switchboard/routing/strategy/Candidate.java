package dev.switchboard.routing.strategy;

import dev.switchboard.routing.table.VersionConfig;

/**
 * A version that may take the request, with what strategies weigh it by.
 *
 * @param weight      the configured weight times the slow-start factor of a version back from ejection
 * @param healthScore 0-100, from the prober
 * @param inFlight    requests this router has outstanding on the version
 */
record Candidate(VersionConfig version, double weight, double healthScore, int inFlight) {
}
