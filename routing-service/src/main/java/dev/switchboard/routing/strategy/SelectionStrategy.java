package dev.switchboard.routing.strategy;

import java.util.List;
import java.util.Optional;

/** One way of splitting a provider's traffic among its versions. A new strategy is one class. */
public interface SelectionStrategy {

    /** The name operators configure, e.g. {@code weight}. */
    String name();

    /**
     * @param routable the versions that may take this attempt (active, healthy, not ejected, not yet tried, weight
     *                 above 0), never empty
     * @return the chosen version, or empty when none of them should get it
     */
    Optional<Selection.Chosen> choose(List<Candidate> routable, SelectionContext context);
}
