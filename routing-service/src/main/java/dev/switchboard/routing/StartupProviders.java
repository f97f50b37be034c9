package dev.switchboard.routing;

import dev.switchboard.routing.table.Provider;
import java.util.List;

/** The providers of the start-up configuration, checked against the known strategies. */
public record StartupProviders(List<Provider> providers) {

    public StartupProviders {
        providers = List.copyOf(providers);
    }
}
