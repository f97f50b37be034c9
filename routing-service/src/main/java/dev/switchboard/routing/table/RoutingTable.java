package dev.switchboard.routing.table;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The providers a router knows, found by what a client puts in {@code "model"}: either {@code category/name}
 * or just {@code name} when only one category has that name. Immutable; a change builds a new table.
 */
public final class RoutingTable {

    private final Map<String, Provider> byId;

    public RoutingTable(final Collection<Provider> providers) {
        final Map<String, Provider> map = new LinkedHashMap<>();
        for (final Provider p : providers) {
            if (map.put(p.id(), p) != null) {
                throw new IllegalArgumentException("provider " + p.id() + " is configured twice");
            }
        }
        this.byId = Map.copyOf(map);
    }

    /** @param model the client's {@code model}: {@code category/name} or a name unique across categories */
    public Lookup find(final String model) {
        if (model.contains("/")) {
            return Optional.ofNullable(byId.get(model)).<Lookup>map(Lookup.Found::new).orElse(new Lookup.Unknown());
        }
        final List<Provider> named = byId.values().stream().filter(p -> p.name().equals(model)).toList();
        return switch (named.size()) {
            case 0 -> new Lookup.Unknown();
            case 1 -> new Lookup.Found(named.get(0));
            default -> new Lookup.Ambiguous(named.stream().map(Provider::id).sorted().toList());
        };
    }

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
