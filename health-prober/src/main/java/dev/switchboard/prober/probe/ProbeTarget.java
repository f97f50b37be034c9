package dev.switchboard.prober.probe;

import dev.switchboard.events.ProviderVersion;
import dev.switchboard.schemas.VersionKey;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/** A version to probe, taken from its {@code ProviderVersion} config event. */
public record ProbeTarget(VersionKey key, String type, URI url, String modelName, boolean active) {

    public ProbeTarget {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(url, "url");
        type = type == null ? "openai" : type.toLowerCase(Locale.ROOT);
    }

    public static ProbeTarget of(final ProviderVersion version) {
        return new ProbeTarget(new VersionKey(version.getCategory(), version.getName(), version.getVersion()),
            version.getType(), URI.create(version.getUrl()),
            version.getModelName() == null ? version.getName() : version.getModelName(), version.getIsActive());
    }
}
