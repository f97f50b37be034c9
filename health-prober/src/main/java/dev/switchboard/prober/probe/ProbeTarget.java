package dev.switchboard.prober.probe;

import dev.switchboard.events.ProviderVersion;
import dev.switchboard.schemas.VersionKey;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * A version to probe, taken from its {@code ProviderVersion} config event.
 *
 * @param apiKey the version's own key, opened from its sealed secrets; sent to its upstream only
 */
public record ProbeTarget(VersionKey key, String type, URI url, String modelName, boolean active,
                          Optional<String> apiKey) {

    public ProbeTarget {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(apiKey, "apiKey");
        type = type == null ? "openai" : type.toLowerCase(Locale.ROOT);
    }

    /**
     * @param url        where the version is called: its own url, or its type's endpoint
     * @param openApiKey opens the sealed {@code api_key} of a version, or gives empty
     */
    public static ProbeTarget of(final ProviderVersion version, final URI url,
                                 final BiFunction<VersionKey, String, Optional<String>> openApiKey) {
        final VersionKey key = new VersionKey(version.getCategory(), version.getName(), version.getVersion());
        return new ProbeTarget(key, version.getType(), url,
            version.getModelName() == null ? version.getName() : version.getModelName(), version.getIsActive(),
            Optional.ofNullable(version.getSealedSecrets().get("api_key")).flatMap(s -> openApiKey.apply(key, s)));
    }

    @Override
    public String toString() {
        return "ProbeTarget[" + key + " " + type + " " + url + (apiKey.isPresent() ? " with api_key ****" : "") + "]";
    }
}
