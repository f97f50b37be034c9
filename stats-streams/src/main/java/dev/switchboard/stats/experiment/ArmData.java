package dev.switchboard.stats.experiment;

import dev.switchboard.stats.sketch.Distribution;

/**
 * What an experiment's arm gathered: its outcomes, those that succeeded, and the moments of latency, tokens,
 * client-reported scores and the priced outcomes' cost in dollars, with the whole latency distribution for rank tests.
 */
public record ArmData(String arm, long samples, long successes, Moments latency, Distribution latencies,
                      Moments tokens, Moments scores, Moments costs) {

    /** An arm whose versions are not priced. */
    public ArmData(final String arm, final long samples, final long successes, final Moments latency,
                   final Distribution latencies, final Moments tokens, final Moments scores) {
        this(arm, samples, successes, latency, latencies, tokens, scores, Moments.EMPTY);
    }
}
