package dev.switchboard.stats.query;

/** Nothing of that kind has that name or id (an experiment, a rollout); answered with a 404. */
final class UnknownNameException extends RuntimeException {

    private final String kind;

    UnknownNameException(final String kind, final String name) {
        super("no " + kind + " named '" + name + "'");
        this.kind = kind;
    }

    String kind() {
        return kind;
    }
}
