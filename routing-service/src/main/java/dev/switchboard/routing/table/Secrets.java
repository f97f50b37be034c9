package dev.switchboard.routing.table;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A version's provider secrets (api keys, tokens), held only in memory once opened. Its {@link #toString()}
 * names the secrets and never shows them, so a record that holds it is safe to log.
 */
public final class Secrets {

    private static final Set<String> SECRET_NAMES = Set.of("api_key", "apikey", "key", "token", "access_token",
        "secret", "secret_key", "access_key", "password", "app_key", "appkey", "auth_token", "appid", "app_id");
    private static final Secrets NONE = new Secrets(Map.of());

    private final Map<String, String> values;

    private Secrets(final Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public static Secrets of(final Map<String, String> values) {
        return values.isEmpty() ? NONE : new Secrets(values);
    }

    public static Secrets none() {
        return NONE;
    }

    /** Whether a config field holds a secret: write-only, sealed in events, masked in every answer and log. */
    public static boolean isSecretField(final String name) {
        final String field = name.toLowerCase(Locale.ROOT);
        return SECRET_NAMES.contains(field) || field.endsWith("_secret") || field.endsWith("_token")
            || field.endsWith("_password") || field.endsWith("_api_key");
    }

    public Optional<String> get(final String name) {
        return Optional.ofNullable(values.get(name));
    }

    public Set<String> names() {
        return new TreeSet<>(values.keySet());
    }

    @Override
    public boolean equals(final Object other) {
        return other instanceof Secrets secrets && values.equals(secrets.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "Secrets" + names() + " (masked)";
    }
}
