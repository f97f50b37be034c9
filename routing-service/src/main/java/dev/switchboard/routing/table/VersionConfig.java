package dev.switchboard.routing.table;

import dev.switchboard.schemas.VersionKey;
import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * One configured version of a provider: where it lives, how much traffic it should get, and the per-type
 * parameters (temperature, max_tokens, voice, ...) applied to requests that do not set them.
 */
public record VersionConfig(VersionKey key, ProviderType type, String modelName, URI url, int weight,
                            boolean active, boolean isDefault, Map<String, Object> parameters) {

    public VersionConfig {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(url, "url");
        if (weight < 0 || weight > 100) {
            throw new IllegalArgumentException("weight of " + key + " must be 0-100, got " + weight);
        }
        if (url.getScheme() == null || url.getHost() == null) {
            throw new IllegalArgumentException("url of " + key + " must be absolute, got '" + url + "'");
        }
        modelName = modelName == null || modelName.isBlank() ? key.name() : modelName;
        parameters = Map.copyOf(parameters == null ? Map.of() : parameters);
    }

    public String version() {
        return key.version();
    }
}
