package dev.switchboard.routing.strategy;

import dev.switchboard.events.SelectionReason;
import java.util.List;
import java.util.Optional;

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
    public Optional<Selection.Chosen> choose(final List<Candidate> routable, final SelectionContext context) {
        return WeightedPick.pick(routable, context.random())
            .map(c -> new Selection.Chosen(c.version(), SelectionReason.WEIGHT));
    }
}
