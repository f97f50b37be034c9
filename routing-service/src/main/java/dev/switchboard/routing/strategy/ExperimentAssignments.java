package dev.switchboard.routing.strategy;

import java.util.Optional;

/** Where a running experiment puts a subject; the selector routes the subject's first attempt there. */
@FunctionalInterface
public interface ExperimentAssignments {

    /** No experiment anywhere. */
    ExperimentAssignments NONE = (provider, subject) -> Optional.empty();

    /** The subject's arm of an experiment, and the version that serves it. */
    record Assignment(String experiment, String arm, String version) {
    }

    /** @param provider {@code category/name} */
    Optional<Assignment> assign(String provider, String subject);
}
