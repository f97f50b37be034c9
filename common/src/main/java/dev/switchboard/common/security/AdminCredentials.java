package dev.switchboard.common.security;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The admin APIs' credentials: named tokens with a role each ({@code SWITCHBOARD_ADMIN_TOKENS}, written
 * {@code name:role:token,...}), and the single shared {@code SWITCHBOARD_ADMIN_TOKEN} of earlier set-ups, which keeps
 * working as an operator named {@code admin} with every role. Either is enough; at least one is required, since an
 * admin API without credentials would be open.
 */
public final class AdminCredentials {

    /** The name the shared token's changes are recorded under when the caller does not say who they are. */
    public static final String SHARED_NAME = "admin";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    private static final String WHAT = "switchboard.security.admin-token (SWITCHBOARD_ADMIN_TOKEN) or "
        + "switchboard.security.admin-tokens (SWITCHBOARD_ADMIN_TOKENS)";

    private final TokenOwners<Operator> owners;

    private AdminCredentials(final TokenOwners<Operator> owners) {
        this.owners = owners;
    }

    /**
     * @param sharedToken the single token with every role, blank for none
     * @param namedTokens {@code name:role:token} entries, comma-separated, blank for none
     * @throws IllegalArgumentException naming the entry that cannot be read, or when there is no token at all
     */
    public static AdminCredentials of(final String sharedToken, final String namedTokens) {
        final Map<String, Operator> tokens = new LinkedHashMap<>();
        if (sharedToken != null && !sharedToken.isBlank()) {
            tokens.put(sharedToken.strip(), new Operator(SHARED_NAME, Role.APPROVER, true));
        }
        final Map<String, Boolean> names = new LinkedHashMap<>();
        for (final String entry : namedTokens == null ? new String[0] : namedTokens.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            final String[] parts = entry.strip().split(":", 3);
            if (parts.length != 3 || parts[2].isBlank()) {
                throw new IllegalArgumentException("SWITCHBOARD_ADMIN_TOKENS entries are name:role:token; an entry "
                    + "starting '" + parts[0] + "' is not");
            }
            final String name = parts[0].strip();
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("SWITCHBOARD_ADMIN_TOKENS: '" + name + "' is not a name (letters, "
                    + "digits, '.', '_', '@', '-', at most 64)");
            }
            if (names.put(name, true) != null) {
                throw new IllegalArgumentException("SWITCHBOARD_ADMIN_TOKENS names '" + name + "' twice");
            }
            final Role role = Role.parse(parts[1]);
            if (tokens.put(parts[2].strip(), new Operator(name, role, false)) != null) {
                throw new IllegalArgumentException("SWITCHBOARD_ADMIN_TOKENS gives '" + name + "' a token already "
                    + "given to another operator");
            }
        }
        return new AdminCredentials(TokenOwners.of(tokens, WHAT));
    }

    /** @param authorizationHeader the raw {@code Authorization} header, may be null */
    public Optional<Operator> operator(final String authorizationHeader) {
        return owners.owner(authorizationHeader);
    }
}
