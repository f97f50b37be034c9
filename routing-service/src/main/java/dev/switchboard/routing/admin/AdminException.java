package dev.switchboard.routing.admin;

import org.springframework.http.HttpStatus;

/** An admin request that cannot be done as asked; nothing was changed. The status says whose move it is. */
final class AdminException extends RuntimeException {

    private final HttpStatus status;

    private AdminException(final HttpStatus status, final String message) {
        super(message);
        this.status = status;
    }

    static AdminException badRequest(final String message) {
        return new AdminException(HttpStatus.BAD_REQUEST, message);
    }

    static AdminException notFound(final String message) {
        return new AdminException(HttpStatus.NOT_FOUND, message);
    }

    /** The caller is known, but this is not theirs to do. */
    static AdminException forbidden(final String message) {
        return new AdminException(HttpStatus.FORBIDDEN, message);
    }

    static AdminException conflict(final String message) {
        return new AdminException(HttpStatus.CONFLICT, message);
    }

    /** Written, but not yet seen through: the caller looks again shortly. */
    static AdminException unavailable(final String message) {
        return new AdminException(HttpStatus.SERVICE_UNAVAILABLE, message);
    }

    HttpStatus status() {
        return status;
    }
}
