package dev.switchboard.routing.strategy;

import dev.switchboard.events.SelectionReason;
import java.util.List;
import java.util.Optional;

/** Sends traffic to the version with the best health score; versions with equal scores share it by weight. */
public final class HealthStrategy implements SelectionStrategy {

    public static final String NAME = "health";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<Selection.Chosen> choose(final List<Candidate> routable, final SelectionContext context) {
        final double best = routable.stream().mapToDouble(Candidate::healthScore).max().orElse(0);
        final List<Candidate> top = routable.stream().filter(c -> c.healthScore() >= best).toList();
        return WeightedPick.pick(top, context.random())
            .map(c -> new Selection.Chosen(c.version(), SelectionReason.HEALTH));
    }
}
