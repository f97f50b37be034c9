package dev.switchboard.common.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A set of accepted bearer tokens, checked in constant time. Tokens are kept only as SHA-256 digests, and
 * every check compares against every digest, so neither the length nor the position of a match leaks
 * through timing.
 */
public final class BearerTokens {

    private static final String PREFIX = "bearer ";
    private static final MessageDigest SHA_256 = newSha256(); // a prototype, never updated itself

    private final List<byte[]> digests;

    private BearerTokens(final List<byte[]> digests) {
        this.digests = digests;
    }

    /** @throws IllegalArgumentException when no usable token is given: an empty set would lock everyone out silently */
    public static BearerTokens of(final Collection<String> tokens, final String what) {
        final List<byte[]> digests = tokens.stream()
            .map(String::strip)
            .filter(t -> !t.isEmpty())
            .map(BearerTokens::sha256)
            .toList();
        if (digests.isEmpty()) {
            throw new IllegalArgumentException(what + " must name at least one non-blank token");
        }
        return new BearerTokens(digests);
    }

    /** Splits a comma-separated list such as {@code SWITCHBOARD_CLIENT_KEYS}. */
    public static BearerTokens ofCommaSeparated(final String tokens, final String what) {
        return of(tokens == null ? List.of() : List.of(tokens.split(",")), what);
    }

    /** @param authorizationHeader the raw {@code Authorization} header, may be null */
    public boolean accepts(final String authorizationHeader) {
        if (authorizationHeader == null
            || authorizationHeader.length() <= PREFIX.length()
            || !authorizationHeader.substring(0, PREFIX.length()).toLowerCase(Locale.ROOT).equals(PREFIX)) {
            return false;
        }
        final byte[] presented = sha256(authorizationHeader.substring(PREFIX.length()).strip());
        boolean match = false;
        for (final byte[] digest : digests) {
            match |= MessageDigest.isEqual(digest, presented);
        }
        return match;
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

    /** Cloning a prepared digest is much cheaper than looking the algorithm up on every request. */
    private static byte[] sha256(final String token) {
        try {
            return ((MessageDigest) SHA_256.clone()).digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 can be cloned", e);
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
