package dev.switchboard.prober;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The routers' per-type endpoints ({@code switchboard.routing.types.<type>.url}), read by the prober under the same
 * name so that one setting makes it probe a version without a url where the routers call it (seed 000's TTS
 * versions).
 */
@ConfigurationProperties("switchboard.routing")
record TypeEndpoints(@DefaultValue Map<String, TypeSettings> types) {

    public record TypeSettings(URI url) {
    }

    public TypeEndpoints {
        final Map<String, TypeSettings> lowered = new TreeMap<>();
        types.forEach((type, settings) -> {
            if (settings.url() == null || settings.url().getScheme() == null || settings.url().getHost() == null) {
                throw new IllegalArgumentException("switchboard.routing.types." + type + ".url must be an absolute "
                    + "url, got '" + settings.url() + "'");
            }
            lowered.put(type.toLowerCase(Locale.ROOT), settings);
        });
        types = Map.copyOf(lowered);
    }

    /** Where a version of {@code type} without a url of its own is called, if anywhere. */
    public Optional<URI> of(final String type) {
        return Optional.ofNullable(types.get(type.toLowerCase(Locale.ROOT))).map(TypeSettings::url);
    }
}
