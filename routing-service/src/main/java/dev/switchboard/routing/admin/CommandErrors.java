package dev.switchboard.routing.admin;

import dev.switchboard.common.web.BindingErrors;

/**
 * Why a request body did not become its command: the command's own refusal (thrown while Jackson made it), or
 * what {@link BindingErrors} says of the body.
 */
final class CommandErrors {

    private CommandErrors() {
    }

    static AdminException explain(final Throwable failure) {
        return BindingErrors.refusal(failure, AdminException.class)
            .orElseGet(() -> AdminException.badRequest(BindingErrors.describe(failure)));
    }
}
