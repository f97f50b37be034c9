package dev.switchboard.routing.strategy;

import dev.switchboard.events.SelectionReason;
import dev.switchboard.routing.table.VersionConfig;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Picks a version with probability proportional to its weight. Weights need not add up to 100: when a version
 * is taken out, the others share its traffic in their own proportion.
 */
public final class WeightedStrategy implements SelectionStrategy {

    public static final String NAME = "weight";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SelectionReason reason() {
        return SelectionReason.WEIGHT;
    }

    @Override
    public Optional<VersionConfig> choose(final List<VersionConfig> routable, final RandomGenerator random) {
        final int total = routable.stream().mapToInt(VersionConfig::weight).sum();
        if (total == 0) {
            return Optional.empty();
        }
        int ticket = random.nextInt(total);
        for (final VersionConfig version : routable) {
            ticket -= version.weight();
            if (ticket < 0) {
                return Optional.of(version);
            }
        }
        throw new IllegalStateException("unreachable: ticket beyond the total weight " + total);
    }
}
