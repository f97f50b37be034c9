package dev.switchboard.routing.strategy;

import dev.switchboard.events.SelectionReason;
import java.util.List;
import java.util.Optional;

/**
 * Sends the request to the version with the fewest requests outstanding on this router (least outstanding
 * requests); ties are broken by weight, so idle versions share traffic as configured.
 */
public final class LeastUsedStrategy implements SelectionStrategy {

    public static final String NAME = "least_used";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<Selection.Chosen> choose(final List<Candidate> routable, final SelectionContext context) {
        final int least = routable.stream().mapToInt(Candidate::inFlight).min().orElse(0);
        final List<Candidate> idlest = routable.stream().filter(c -> c.inFlight() == least).toList();
        return WeightedPick.pick(idlest, context.random())
            .map(c -> new Selection.Chosen(c.version(), SelectionReason.LEAST_USED));
    }
}
