package dev.switchboard.routing.proxy;

import dev.switchboard.routing.table.Endpoints;
import dev.switchboard.routing.table.Provider;
import dev.switchboard.routing.table.RoutingTable;
import dev.switchboard.routing.table.VersionConfig;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a client's {@code model} names: a provider ({@code category/name}, or a name unique across categories) and,
 * when the client pins one ({@code "name@version"}, or the pin header), its version.
 */
final class ModelTargets {

    /** The provider a request is for and, when the client pinned one, its version. */
    record Target(Provider provider, Optional<VersionConfig> pinned) {
    }

    private final Supplier<RoutingTable> table;
    private final Endpoints endpoints;

    ModelTargets(final Supplier<RoutingTable> table, final Endpoints endpoints) {
        this.table = table;
        this.endpoints = endpoints;
    }

    /**
     * @throws FrontDoorException 404 for an unknown model, 400 for an ambiguous one
     */
    Provider resolve(final String model) {
        return switch (table.get().find(model)) {
            case RoutingTable.Lookup.Found found -> found.provider();
            case RoutingTable.Lookup.Unknown unknown -> throw FrontDoorException.unknownModel(
                "The model '" + model + "' does not name a configured provider");
            case RoutingTable.Lookup.Ambiguous ambiguous -> throw FrontDoorException.invalidRequest(
                "The model '" + model + "' is ambiguous; name one of " + ambiguous.candidates());
        };
    }

    /** A provider by its id, for fallbacks; empty when it is gone. */
    Optional<Provider> byId(final String id) {
        return table.get().find(id) instanceof RoutingTable.Lookup.Found found ? Optional.of(found.provider())
            : Optional.empty();
    }

    /**
     * A model that names a provider as it is, {@code @} and all, is that provider; else {@code "name@version"} pins.
     *
     * @throws FrontDoorException 404 for an unknown provider or version, 409 for an inactive version, 400 when the
     *                            model and the header pin different versions, 503 for a version with nowhere to call
     */
    Target target(final String model, final Optional<String> pinHeader) {
        final int at = model.lastIndexOf('@');
        final boolean pinsInModel = at > 0 && at < model.length() - 1
            && !(table.get().find(model) instanceof RoutingTable.Lookup.Found);
        final Provider provider = resolve(pinsInModel ? model.substring(0, at) : model);
        final Optional<String> inModel = pinsInModel ? Optional.of(model.substring(at + 1)) : Optional.empty();
        if (inModel.isPresent() && pinHeader.isPresent() && !inModel.equals(pinHeader)) {
            throw FrontDoorException.invalidRequest("The model pins version " + inModel.get() + " but the "
                + ProviderProxy.PIN_HEADER + " header pins " + pinHeader.get() + "; pin one");
        }
        return new Target(provider, inModel.or(() -> pinHeader).map(version -> pinned(provider, version)));
    }

    private VersionConfig pinned(final Provider provider, final String version) {
        final VersionConfig pinned = provider.version(version).orElseThrow(() -> FrontDoorException.unknownModel(
            "Version '" + version + "' of " + provider.id() + " does not exist; its versions are "
                + provider.versions().stream().map(VersionConfig::version).toList()));
        if (!pinned.active()) {
            throw FrontDoorException.versionInactive("Version " + version + " of " + provider.id()
                + " is inactive; activate it, or pin an active version");
        }
        endpoints.whyNotRoutable(pinned).ifPresent(why -> {
            throw FrontDoorException.noRoutableVersion(why);
        });
        return pinned;
    }
}
