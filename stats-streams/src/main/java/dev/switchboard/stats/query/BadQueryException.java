package dev.switchboard.stats.query;

/** A query the client must correct; retrying it unchanged will not help. Answered with a 400 naming the fault. */
final class BadQueryException extends RuntimeException {

    BadQueryException(final String message) {
        super(message);
    }
}
