package dev.switchboard.stats.query;

/** No experiment of that name is defined (on {@code switchboard.experiments}); answered with a 404. */
final class UnknownExperimentException extends RuntimeException {

    UnknownExperimentException(final String name) {
        super("no experiment named '" + name + "'");
    }
}
