package dev.switchboard.routing.strategy;

import dev.switchboard.events.SelectionReason;
import dev.switchboard.routing.table.VersionConfig;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/** One way of splitting a provider's traffic among its versions. A new strategy is one class. */
public interface SelectionStrategy {

    /** The name operators configure, e.g. {@code weight}. */
    String name();

    /** What outcome events say about a version this strategy chose. */
    SelectionReason reason();

    /**
     * @param routable the versions that may take traffic now (active and not reported unhealthy), never empty
     * @return the chosen version, or empty when none of them should get this request (e.g. every weight is 0)
     */
    Optional<VersionConfig> choose(List<VersionConfig> routable, RandomGenerator random);
}
