package dev.switchboard.stats.experiment.adaptive;

import dev.switchboard.stats.experiment.Estimate;
import java.util.Optional;

/**
 * Where an arm stands after a decision: its samples, its estimate with an always-valid interval, its probability of
 * being the best arm, the share of new users it gets, and why it left the search if it did.
 */
public record ArmStanding(String arm, long samples, Estimate estimate, double probabilityBest, double share,
                          Optional<String> eliminated) {
}
