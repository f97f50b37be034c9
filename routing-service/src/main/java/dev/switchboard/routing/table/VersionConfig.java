package dev.switchboard.routing.table;

import dev.switchboard.schemas.VersionKey;
import java.net.URI;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One configured version of a provider: where it lives, how much traffic it should get, and the per-type
 * parameters (temperature, max_tokens, voice, ...) applied to requests that do not set them.
 *
 * @param url    where the version lives; empty for a version called at its type's endpoint ({@link Endpoints})
 * @param prices what a call costs; empty for a version not priced, whose outcomes carry no cost
 */
public record VersionConfig(VersionKey key, String type, String modelName, Optional<URI> url, int weight,
                            boolean active, boolean isDefault, Map<String, Object> parameters, Secrets secrets,
                            Instant createdAt, Instant updatedAt, Optional<Prices> prices) {

    public VersionConfig {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        if (!TYPE.matcher(type).matches()) {
            throw new IllegalArgumentException("type of " + key + " must be a short name such as openai, ollama, "
                + "edge or http (letters, digits, '-', '_'), got '" + type + "'");
        }
        type = type.toLowerCase(Locale.ROOT);
        Objects.requireNonNull(url, "url");
        if (weight < 0 || weight > 100) {
            throw new IllegalArgumentException("weight of " + key + " must be 0-100, got " + weight);
        }
        if (url.isPresent() && (url.get().getScheme() == null || url.get().getHost() == null)) {
            throw new IllegalArgumentException("url of " + key + " must be absolute, got '" + url.get() + "'");
        }
        modelName = modelName == null || modelName.isBlank() ? key.name() : modelName;
        parameters = Map.copyOf(parameters == null ? Map.of() : parameters);
        secrets = secrets == null ? Secrets.none() : secrets;
        createdAt = createdAt == null ? Instant.EPOCH : createdAt;
        updatedAt = updatedAt == null ? createdAt : updatedAt;
        prices = prices == null ? Optional.empty() : prices;
    }

    /** A version as configured at start-up, without secrets or history. */
    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9_-]{1,40}");

    public static VersionConfig of(final VersionKey key, final String type, final String modelName,
                                   final URI url, final int weight, final boolean active, final boolean isDefault,
                                   final Map<String, Object> parameters) {
        return of(key, type, modelName, url, weight, active, isDefault, parameters, Optional.empty());
    }

    /** A version as configured at start-up, with its prices if it has any. */
    public static VersionConfig of(final VersionKey key, final String type, final String modelName,
                                   final URI url, final int weight, final boolean active, final boolean isDefault,
                                   final Map<String, Object> parameters, final Optional<Prices> prices) {
        return new VersionConfig(key, type, modelName, Optional.ofNullable(url), weight, active, isDefault,
            parameters, Secrets.none(), Instant.EPOCH, Instant.EPOCH, prices);
    }

    public VersionConfig withWeight(final int next, final Instant now) {
        return new VersionConfig(key, type, modelName, url, next, active, isDefault, parameters, secrets, createdAt, now,
            prices);
    }

    public VersionConfig withDefault(final boolean next, final Instant now) {
        return new VersionConfig(key, type, modelName, url, weight, active, next, parameters, secrets, createdAt, now,
            prices);
    }

    public VersionConfig withActive(final boolean next, final Instant now) {
        return new VersionConfig(key, type, modelName, url, weight, next, isDefault, parameters, secrets, createdAt, now,
            prices);
    }

    /** The same version, as written again at {@code created} and {@code updated}. */
    public VersionConfig withTimes(final Instant created, final Instant updated) {
        return new VersionConfig(key, type, modelName, url, weight, active, isDefault, parameters, secrets, created,
            updated, prices);
    }

    /** How the router calls this version, derived from its type. */
    public ProviderType protocol() {
        return ProviderType.of(type);
    }

    public String version() {
        return key.version();
    }
}
