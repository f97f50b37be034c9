package dev.switchboard.routing.table;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The providers a router knows, found by what a client puts in {@code "model"}: either {@code category/name}
 * or just {@code name} when only one category has that name. Immutable; a change builds a new table.
 */
public final class RoutingTable {

    private final Map<String, Provider> byId;
    /** Every answer to a lookup, worked out once per table rather than once per request. */
    private final Map<String, Lookup> byModel;

    public RoutingTable(final Collection<Provider> providers) {
        final Map<String, Provider> map = new LinkedHashMap<>();
        for (final Provider p : providers) {
            if (map.put(p.id(), p) != null) {
                throw new IllegalArgumentException("provider " + p.id() + " is configured twice");
            }
        }
        this.byId = Map.copyOf(map);
        final Map<String, Lookup> lookups = new HashMap<>();
        map.forEach((id, provider) -> lookups.put(id, new Lookup.Found(provider)));
        final Map<String, List<Provider>> byName = new HashMap<>();
        map.values().forEach(p -> byName.computeIfAbsent(p.name(), n -> new ArrayList<>()).add(p));
        byName.forEach((name, named) -> lookups.putIfAbsent(name, named.size() == 1 ? new Lookup.Found(named.get(0))
            : new Lookup.Ambiguous(named.stream().map(Provider::id).sorted().toList())));
        this.byModel = Map.copyOf(lookups);
    }

    /** @param model the client's {@code model}: {@code category/name} or a name unique across categories */
    public Lookup find(final String model) {
        return byModel.getOrDefault(model, UNKNOWN);
    }

    private static final Lookup UNKNOWN = new Lookup.Unknown();

    public Collection<Provider> providers() {
        return byId.values();
    }

    /** What a model name resolved to. */
    public sealed interface Lookup {
        record Found(Provider provider) implements Lookup {
        }

        record Unknown() implements Lookup {
        }

        record Ambiguous(List<String> candidates) implements Lookup {
        }
    }
}
