package dev.switchboard.common.security;

import java.util.Arrays;
import java.util.Locale;

/**
 * What an operator of the admin APIs may do. Each role includes the ones before it: a {@code viewer} reads
 * everything, an {@code operator} also changes configuration, an {@code approver} also approves others' proposals.
 */
public enum Role {
    VIEWER, OPERATOR, APPROVER;

    public boolean includes(final Role other) {
        return compareTo(other) >= 0;
    }

    /** The name operators write in {@code SWITCHBOARD_ADMIN_TOKENS}, and answers show. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** What an admin API call needs by its method alone: reading is a viewer's, anything else an operator's. */
    public static Role neededFor(final String method) {
        return switch (method.toUpperCase(Locale.ROOT)) {
            case "GET", "HEAD", "OPTIONS" -> VIEWER;
            default -> OPERATOR;
        };
    }

    /** What a caller whose role does not allow a call is told. */
    public static String refusal(final Operator operator, final Role needed, final String call) {
        return "Operator '" + operator.name() + "' has the role " + operator.role().label() + "; " + call + " needs "
            + needed.label() + (needed == APPROVER ? "" : " or above");
    }

    /** @throws IllegalArgumentException naming the roles there are */
    public static Role parse(final String label) {
        return Arrays.stream(values()).filter(role -> role.label().equals(label.strip().toLowerCase(Locale.ROOT)))
            .findFirst().orElseThrow(() -> new IllegalArgumentException("Unknown role '" + label + "'; roles are "
                + Arrays.stream(values()).map(Role::label).toList()));
    }
}
