package dev.switchboard.prober;

import dev.switchboard.schemas.TypeEndpoints;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The routers' per-type endpoints ({@code switchboard.routing.types.<type>.url}), read by the prober under the same
 * name so that one setting makes it probe a version without a url where the routers call it (seed 000's TTS
 * versions).
 */
@ConfigurationProperties("switchboard.routing")
record TypeEndpointSettings(@DefaultValue Map<String, TypeSettings> types) {

    public record TypeSettings(URI url) {
    }

    public TypeEndpointSettings {
        types = Map.copyOf(types);
        endpoints(types); // an invalid setting stops the start-up, naming it
    }

    TypeEndpoints endpoints() {
        return endpoints(types);
    }

    private static TypeEndpoints endpoints(final Map<String, TypeSettings> types) {
        final Map<String, URI> byType = new HashMap<>();
        types.forEach((type, settings) -> byType.put(type, settings.url()));
        return TypeEndpoints.of(byType);
    }
}
