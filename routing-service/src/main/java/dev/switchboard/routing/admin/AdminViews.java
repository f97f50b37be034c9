package dev.switchboard.routing.admin;

import dev.switchboard.routing.governance.ChangePolicy;
import dev.switchboard.routing.governance.Guard;
import dev.switchboard.routing.health.HealthBoard;
import dev.switchboard.routing.table.Endpoints;
import dev.switchboard.routing.table.Provider;
import dev.switchboard.routing.table.ProviderPolicy;
import dev.switchboard.routing.table.VersionConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The admin API's answers in seed 000's shapes and field names. Secrets are named, never shown: every secret
 * field answers {@code "********"}.
 */
final class AdminViews {

    static final String MASK = "********";

    private final HealthBoard health;
    private final Endpoints endpoints;

    AdminViews(final HealthBoard health, final Endpoints endpoints) {
        this.health = health;
        this.endpoints = endpoints;
    }

    ProviderViews.VersionList versionList(final Provider provider) {
        final List<ProviderViews.VersionSummary> data = provider.versions().stream().map(this::summary).toList();
        return new ProviderViews.VersionList(data, data.size());
    }

    ProviderViews.Grayscale grayscale(final Provider provider) {
        final ProviderViews.Policy policy = policy(provider.policy());
        return new ProviderViews.Grayscale(new ProviderViews.GrayscaleState(provider.category(), provider.name(),
            provider.strategy(), policy.rollout(), policy.fallbackProvider(), policy.shadow(), policy.maxAttempts(),
            provider.versions().stream().map(v -> {
                final Optional<String> notRoutable = endpoints.whyNotRoutable(v);
                return new ProviderViews.GrayscaleVersion(v.version(), v.weight(), v.active(), v.isDefault(),
                    health.score(v.key()), notRoutable.isEmpty(), notRoutable.orElse(null), config(v));
            }).toList(), rules(provider.policy().changes())));
    }

    static ProviderViews.ChangeRules rules(final ChangePolicy policy) {
        return new ProviderViews.ChangeRules(policy.maxWeightStep().orElse(null),
            policy.approvalFor().stream().sorted().map(Guard::label).toList(), policy.proposalTtl().toMinutes());
    }

    static ProviderViews.Policy policy(final ProviderPolicy policy) {
        return new ProviderViews.Policy(policy.strategy(),
            policy.rollout().map(r -> new ProviderViews.Rollout(r.baseline(), r.candidate(), r.percentage()))
                .orElse(null),
            policy.fallbackProvider().orElse(null), policy.maxAttempts(),
            policy.shadow().map(m -> new ProviderViews.Shadow(m.candidate(), m.percentage())).orElse(null));
    }

    /**
     * A version in the list. {@code routable} says whether it has somewhere to be called (its url, or its type's
     * endpoint); its health is the prober's, beside it in {@code health_score}.
     */
    ProviderViews.VersionSummary summary(final VersionConfig v) {
        final Optional<String> notRoutable = endpoints.whyNotRoutable(v);
        return new ProviderViews.VersionSummary(v.key().category(), v.key().name(), v.version(), v.weight(),
            v.active(), v.isDefault(), health.score(v.key()), notRoutable.isEmpty(), notRoutable.orElse(null),
            v.createdAt(), v.updatedAt());
    }

    /** A version's whole configuration, secrets masked; also what the audit trail records. */
    static Map<String, Object> config(final VersionConfig v) {
        final Map<String, Object> config = new LinkedHashMap<>();
        config.put("category", v.key().category());
        config.put("name", v.key().name());
        config.put("version", v.version());
        config.put("type", v.type());
        config.put("model_name", v.modelName());
        v.url().ifPresent(url -> config.put("url", url.toString()));
        config.put("weight", v.weight());
        config.put("is_active", v.active());
        config.put("is_default", v.isDefault());
        v.prices().ifPresent(prices -> config.put("prices", prices.fields()));
        config.putAll(new TreeMap<>(v.parameters()));
        v.secrets().names().forEach(name -> config.put(name, MASK));
        return config;
    }
}
