package dev.switchboard.routing.strategy;

import dev.switchboard.routing.table.Provider;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * What a strategy may look at besides the candidates.
 *
 * @param subject the sticky subject (session id or user), if the request named one
 */
record SelectionContext(Provider provider, Optional<String> subject, RandomGenerator random,
                               TrafficCounters counters, SubjectHasher hasher) {
}
