package dev.switchboard.routing.table;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where each version is called: at its own {@code url}, or, for a version configured without one (seed 000's TTS
 * versions, {@code edge} and {@code doubao}), at the endpoint configured for its type
 * ({@code switchboard.routing.types.<type>.url}). A version with neither is kept and listed but not routable.
 */
public final class Endpoints {

    private static final Endpoints NONE = new Endpoints(Map.of());

    private final Map<String, URI> byType;

    private Endpoints(final Map<String, URI> byType) {
        this.byType = Map.copyOf(byType);
    }

    /** @param byType each type's endpoint; type names are matched without regard to case, as versions' types are */
    public static Endpoints of(final Map<String, URI> byType) {
        final Map<String, URI> lowered = new TreeMap<>();
        byType.forEach((type, url) -> {
            if (url == null || url.getScheme() == null || url.getHost() == null) {
                throw new IllegalArgumentException("switchboard.routing.types." + type + ".url must be an absolute "
                    + "url, got '" + url + "'");
            }
            if (lowered.put(type.toLowerCase(Locale.ROOT), url) != null) {
                throw new IllegalArgumentException("switchboard.routing.types names type '" + type + "' twice");
            }
        });
        return lowered.isEmpty() ? NONE : new Endpoints(lowered);
    }

    public static Endpoints none() {
        return NONE;
    }

    /** The url the version is called at, if it has one. */
    public Optional<URI> of(final VersionConfig version) {
        return version.url().isPresent() ? version.url() : Optional.ofNullable(byType.get(version.type()));
    }

    public boolean isRoutable(final VersionConfig version) {
        return version.url().isPresent() || byType.containsKey(version.type());
    }

    /** Why the version cannot be called, when it cannot: what an operator must set. */
    public Optional<String> whyNotRoutable(final VersionConfig version) {
        return isRoutable(version) ? Optional.empty() : Optional.of("version " + version.key() + " has no url and no "
            + "endpoint is configured for its type '" + version.type() + "': set its url, or switchboard.routing.types."
            + version.type() + ".url on the routers");
    }

    /** Each type's endpoint, for the start-up log and the admin API. */
    public Map<String, URI> byType() {
        return byType;
    }
}
