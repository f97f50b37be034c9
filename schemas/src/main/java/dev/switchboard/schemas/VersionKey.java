package dev.switchboard.schemas;

import java.util.Objects;

/**
 * The Kafka key of everything that is about one provider version: {@code {category}/{name}/{version}}.
 * Keying by version lets per-version aggregation run without a repartition.
 */
public record VersionKey(String category, String name, String version) {

    private static final String SEPARATOR = "/";

    public VersionKey {
        requirePart("category", category);
        requirePart("name", name);
        requirePart("version", version);
    }

    /** Parses {@code category/name/version}; fails with a message naming the expected format. */
    public static VersionKey parse(final String key) {
        Objects.requireNonNull(key, "key");
        final String[] parts = key.split(SEPARATOR, -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException(
                "a version key has the form {category}/{name}/{version}, got '" + key + "'");
        }
        return new VersionKey(parts[0], parts[1], parts[2]);
    }

    public String provider() {
        return category + SEPARATOR + name;
    }

    @Override
    public String toString() {
        return category + SEPARATOR + name + SEPARATOR + version;
    }

    private static void requirePart(final String what, final String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        if (value.contains(SEPARATOR)) {
            throw new IllegalArgumentException(what + " must not contain '" + SEPARATOR + "', got '" + value + "'");
        }
    }
}
