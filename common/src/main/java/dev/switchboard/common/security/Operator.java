package dev.switchboard.common.security;

import java.util.Objects;

/**
 * Who called an admin API, as their token says: the name recorded as the actor of every change they make.
 *
 * @param shared whether the token is the single {@code SWITCHBOARD_ADMIN_TOKEN}, which names nobody: such a caller
 *               may still say who they are in {@code X-Switchboard-Actor}
 */
public record Operator(String name, Role role, boolean shared) {

    public Operator {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
    }

    public boolean may(final Role needed) {
        return role.includes(needed);
    }

    /** The caller under the name they gave, when their token names nobody; a named token's name stands. */
    public Operator calling(final String claimedName) {
        return shared && claimedName != null && !claimedName.isBlank()
            ? new Operator(claimedName.strip(), role, true) : this;
    }
}
