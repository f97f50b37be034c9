package dev.switchboard.common.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Bearer tokens and whom each belongs to, checked in constant time. Tokens are kept only as SHA-256 digests, and
 * every check compares against every digest, so neither the length nor the position of a match leaks through timing.
 */
public final class TokenOwners<T> {

    private static final String PREFIX = "bearer ";

    private record Entry<T>(byte[] digest, T owner) {
    }

    private final List<Entry<T>> entries;
    /**
     * One digest per thread (a digest is not thread-safe): looking the algorithm up, or cloning a prepared digest,
     * on every request costs more than the hashing itself.
     */
    private final ThreadLocal<MessageDigest> digests = ThreadLocal.withInitial(TokenOwners::newSha256);

    private TokenOwners(final List<Entry<T>> entries) {
        this.entries = entries;
    }

    /**
     * @param owners each token and its owner; blank tokens are left out
     * @throws IllegalArgumentException when no usable token is given: an empty set would lock everyone out silently
     */
    public static <T> TokenOwners<T> of(final Map<String, T> owners, final String what) {
        final List<Entry<T>> entries = owners.entrySet().stream()
            .filter(e -> !e.getKey().strip().isEmpty())
            .map(e -> new Entry<>(sha256(newSha256(), e.getKey().strip()), e.getValue()))
            .toList();
        if (entries.isEmpty()) {
            throw new IllegalArgumentException(what + " must name at least one non-blank token");
        }
        return new TokenOwners<>(entries);
    }

    /** @param authorizationHeader the raw {@code Authorization} header, may be null */
    public Optional<T> owner(final String authorizationHeader) {
        if (authorizationHeader == null
            || authorizationHeader.length() <= PREFIX.length()
            || !authorizationHeader.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return Optional.empty();
        }
        final byte[] presented = sha256(digests.get(), authorizationHeader.substring(PREFIX.length()).strip());
        T found = null;
        for (final Entry<T> entry : entries) {
            // No early exit and no short-circuit: every digest is compared whatever matched before.
            final boolean match = MessageDigest.isEqual(entry.digest(), presented);
            found = match ? entry.owner() : found;
        }
        return Optional.ofNullable(found);
    }

    private static byte[] sha256(final MessageDigest digest, final String token) {
        return digest.digest(token.getBytes(StandardCharsets.UTF_8)); // digest() resets it for the next use
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
