package dev.switchboard.routing.table;

import dev.switchboard.schemas.TypeEndpoints;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Where each version is called: at its own {@code url}, or, for a version configured without one (seed 000's TTS
 * versions, {@code edge} and {@code doubao}), at the endpoint configured for its type
 * ({@code switchboard.routing.types.<type>.url}). A version with neither is kept and listed but not routable.
 */
public final class Endpoints {

    private static final Endpoints NONE = new Endpoints(TypeEndpoints.none());

    private final TypeEndpoints types;

    private Endpoints(final TypeEndpoints types) {
        this.types = types;
    }

    /** @param byType each type's endpoint ({@link TypeEndpoints#of}) */
    public static Endpoints of(final Map<String, URI> byType) {
        final TypeEndpoints types = TypeEndpoints.of(byType);
        return types.byType().isEmpty() ? NONE : new Endpoints(types);
    }

    public static Endpoints none() {
        return NONE;
    }

    /** The url the version is called at, if it has one. */
    public Optional<URI> of(final VersionConfig version) {
        return version.url().isPresent() ? version.url() : types.of(version.type());
    }

    public boolean isRoutable(final VersionConfig version) {
        return of(version).isPresent();
    }

    /** Why the version cannot be called, when it cannot: what an operator must set. */
    public Optional<String> whyNotRoutable(final VersionConfig version) {
        return isRoutable(version) ? Optional.empty() : Optional.of("version " + version.key() + " has no url and no "
            + "endpoint is configured for its type '" + version.type() + "': set its url, or "
            + TypeEndpoints.setting(version.type()) + " on the routers");
    }

    /** Each type's endpoint, for the start-up log and the admin API. */
    public Map<String, URI> byType() {
        return types.byType();
    }
}
