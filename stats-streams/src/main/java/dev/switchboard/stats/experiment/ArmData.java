package dev.switchboard.stats.experiment;

import dev.switchboard.stats.sketch.Distribution;

/**
 * What an experiment's arm gathered: its outcomes, those that succeeded, and the moments of latency, tokens,
 * client-reported scores and the priced outcomes' cost in dollars, with the whole latency distribution for rank tests.
 */
public record ArmData(String arm, long samples, long successes, Moments latency, Distribution latencies,
                      Moments tokens, Moments scores, Moments costs) {
}
