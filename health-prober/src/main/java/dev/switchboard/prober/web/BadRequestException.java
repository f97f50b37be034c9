package dev.switchboard.prober.web;

/** A request that cannot be served as sent; its message says what is wrong. */
final class BadRequestException extends RuntimeException {

    BadRequestException(final String message) {
        super(message);
    }
}
