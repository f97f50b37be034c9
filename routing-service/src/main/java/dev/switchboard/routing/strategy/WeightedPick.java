package dev.switchboard.routing.strategy;

import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/** Picks a candidate with probability proportional to its weight. */
final class WeightedPick {

    private WeightedPick() {
    }

    static Optional<Candidate> pick(final List<Candidate> candidates, final RandomGenerator random) {
        double total = 0;
        for (final Candidate c : candidates) {
            total += c.weight();
        }
        if (total <= 0) {
            return Optional.empty();
        }
        double ticket = random.nextDouble(total);
        for (final Candidate c : candidates) {
            ticket -= c.weight();
            if (ticket < 0) {
                return Optional.of(c);
            }
        }
        return Optional.of(candidates.get(candidates.size() - 1)); // rounding at the very top of the range
    }
}
