package dev.switchboard.routing.strategy;

import dev.switchboard.events.SelectionReason;
import java.util.List;
import java.util.Optional;

/** Takes the routable versions in turn, per provider and per router. */
public final class RoundRobinStrategy implements SelectionStrategy {

    public static final String NAME = "round_robin";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<Selection.Chosen> choose(final List<Candidate> routable, final SelectionContext context) {
        final long turn = context.counters().nextTurn(context.provider().id());
        final Candidate chosen = routable.get((int) Math.floorMod(turn, (long) routable.size()));
        return Optional.of(new Selection.Chosen(chosen.version(), SelectionReason.ROUND_ROBIN));
    }
}
