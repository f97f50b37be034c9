package dev.switchboard.common.security;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A set of accepted bearer tokens, checked in constant time ({@link TokenOwners}). */
public final class BearerTokens {

    private final TokenOwners<Boolean> tokens;

    private BearerTokens(final TokenOwners<Boolean> tokens) {
        this.tokens = tokens;
    }

    /** @throws IllegalArgumentException when no usable token is given: an empty set would lock everyone out silently */
    public static BearerTokens of(final Collection<String> tokens, final String what) {
        final Map<String, Boolean> owners = new HashMap<>();
        tokens.forEach(token -> owners.put(token, true));
        return new BearerTokens(TokenOwners.of(owners, what));
    }

    /** Splits a comma-separated list such as {@code SWITCHBOARD_CLIENT_KEYS}. */
    public static BearerTokens ofCommaSeparated(final String tokens, final String what) {
        return of(tokens == null ? List.of() : List.of(tokens.split(",")), what);
    }

    /** @param authorizationHeader the raw {@code Authorization} header, may be null */
    public boolean accepts(final String authorizationHeader) {
        return tokens.owner(authorizationHeader).isPresent();
    }

    /**
     * What a refused request is told: that the header is missing, or that the token in it is not accepted (never
     * which part of it was wrong).
     *
     * @param what names the token to the caller, e.g. {@code "client key"}
     */
    public static String refusal(final String authorizationHeader, final String what) {
        return authorizationHeader == null
            ? "Missing Authorization header: send 'Authorization: Bearer <" + what + ">'"
            : "Invalid " + what + " in the Authorization header";
    }

    /** The RFC 9457 problem detail of a 401, the shape of every {@code /api} refusal whatever the web stack. */
    public static Map<String, Object> unauthorizedProblem(final String detail) {
        return Map.of("type", "about:blank", "title", "Unauthorized", "status", 401, "detail", detail);
    }

    /** The RFC 9457 problem detail of a 403: the caller is known, the action is not theirs. */
    public static Map<String, Object> forbiddenProblem(final String detail) {
        return Map.of("type", "about:blank", "title", "Forbidden", "status", 403, "detail", detail);
    }
}
