package dev.switchboard.schemas;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where a version configured without a url of its own ({@code ProviderVersion} v3 made it optional: seed 000's TTS
 * versions) is called: the endpoint set for its type, {@code switchboard.routing.types.<type>.url}. Routers call it
 * there and probers probe it there, reading the one setting alike. Type names match without regard to case, as
 * versions' types do.
 */
public final class TypeEndpoints {

    private static final TypeEndpoints NONE = new TypeEndpoints(Map.of());

    private final Map<String, URI> byType;

    private TypeEndpoints(final Map<String, URI> byType) {
        this.byType = Map.copyOf(byType);
    }

    /** @throws IllegalArgumentException for a url that is not absolute, or a type named twice */
    public static TypeEndpoints of(final Map<String, URI> byType) {
        final Map<String, URI> lowered = new TreeMap<>();
        byType.forEach((type, url) -> {
            if (url == null || url.getScheme() == null || url.getHost() == null) {
                throw new IllegalArgumentException(setting(type) + " must be an absolute url, got '" + url + "'");
            }
            if (lowered.put(type.toLowerCase(Locale.ROOT), url) != null) {
                throw new IllegalArgumentException("switchboard.routing.types names type '" + type + "' twice");
            }
        });
        return lowered.isEmpty() ? NONE : new TypeEndpoints(lowered);
    }

    public static TypeEndpoints none() {
        return NONE;
    }

    /** The endpoint of {@code type}, if one is set. */
    public Optional<URI> of(final String type) {
        return Optional.ofNullable(byType.get(type.toLowerCase(Locale.ROOT)));
    }

    /** Each type's endpoint, type names lower-cased. */
    public Map<String, URI> byType() {
        return byType;
    }

    /** The setting that gives {@code type} its endpoint: what to tell an operator whose version has none. */
    public static String setting(final String type) {
        return "switchboard.routing.types." + type + ".url";
    }
}
