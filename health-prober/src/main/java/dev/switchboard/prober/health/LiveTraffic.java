package dev.switchboard.prober.health;

/**
 * What live requests saw of a version recently (from stats-streams' daily stats).
 *
 * @param requests           requests answered in the period
 * @param successes          of which the version did not fail (a client error or a client that left is not
 *                           the version's failure)
 * @param averageLatencyMs   average response time of those requests
 */
public record LiveTraffic(long requests, long successes, double averageLatencyMs) {

    public LiveTraffic {
        if (requests < 0 || successes < 0 || successes > requests) {
            throw new IllegalArgumentException("live traffic needs 0 <= successes <= requests, got " + successes
                + " of " + requests);
        }
    }

    /** Percent of requests that succeeded; 100 when there were none. */
    public double successRatePercent() {
        return requests == 0 ? 100.0 : 100.0 * successes / requests;
    }
}
