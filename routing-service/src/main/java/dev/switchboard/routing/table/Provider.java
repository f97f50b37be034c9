package dev.switchboard.routing.table;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** A logical provider (category and name) with its versions and the policy that splits traffic among them. */
public record Provider(String category, String name, ProviderPolicy policy, List<VersionConfig> versions) {

    public Provider {
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(policy, "policy");
        versions = List.copyOf(versions);
        final Set<String> seen = new HashSet<>();
        long defaults = 0;
        for (final VersionConfig v : versions) {
            if (!v.key().category().equals(category) || !v.key().name().equals(name)) {
                throw new IllegalArgumentException("version " + v.key() + " does not belong to " + category + "/" + name);
            }
            if (!seen.add(v.version())) {
                throw new IllegalArgumentException(category + "/" + name + " has version " + v.version() + " twice");
            }
            defaults += v.isDefault() ? 1 : 0;
        }
        if (defaults > 1) {
            throw new IllegalArgumentException(category + "/" + name + " has " + defaults + " default versions; at most one");
        }
    }

    public Provider(final String category, final String name, final String strategy,
                    final List<VersionConfig> versions) {
        this(category, name, ProviderPolicy.of(strategy), versions);
    }

    public String strategy() {
        return policy.strategy();
    }

    public Optional<VersionConfig> version(final String version) {
        return versions.stream().filter(v -> v.version().equals(version)).findFirst();
    }

    public Optional<VersionConfig> defaultVersion() {
        return versions.stream().filter(VersionConfig::isDefault).findFirst();
    }

    public String id() {
        return category + "/" + name;
    }
}
