package dev.switchboard.routing.admin;

import dev.switchboard.routing.health.HealthBoard;
import dev.switchboard.routing.table.Endpoints;
import dev.switchboard.routing.table.Provider;
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

    Map<String, Object> versionList(final Provider provider) {
        final List<Map<String, Object>> data = provider.versions().stream().map(this::summary).toList();
        final Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("data", data);
        answer.put("total", data.size());
        return answer;
    }

    Map<String, Object> grayscale(final Provider provider) {
        final Map<String, Object> state = new LinkedHashMap<>();
        state.put("category", provider.category());
        state.put("name", provider.name());
        state.put("strategy", provider.strategy());
        provider.policy().rollout().ifPresent(r -> state.put("rollout", Map.of("baseline", r.baseline(),
            "candidate", r.candidate(), "percentage", r.percentage())));
        provider.policy().fallbackProvider().ifPresent(f -> state.put("fallback_provider", f));
        provider.policy().shadow().ifPresent(m -> state.put("shadow", Map.of("candidate", m.candidate(),
            "percentage", m.percentage())));
        state.put("max_attempts", provider.policy().maxAttempts());
        state.put("versions", provider.versions().stream().map(v -> {
            final Map<String, Object> version = new LinkedHashMap<>();
            version.put("version", v.version());
            version.put("weight", v.weight());
            version.put("is_active", v.active());
            version.put("is_default", v.isDefault());
            version.put("health_score", health.score(v.key()));
            routability(v, version);
            version.put("config", config(v));
            return version;
        }).toList());
        return Map.of("data", state);
    }

    Map<String, Object> summary(final VersionConfig v) {
        final Map<String, Object> version = new LinkedHashMap<>();
        version.put("category", v.key().category());
        version.put("name", v.key().name());
        version.put("version", v.version());
        version.put("weight", v.weight());
        version.put("is_active", v.active());
        version.put("is_default", v.isDefault());
        version.put("health_score", health.score(v.key()));
        routability(v, version);
        version.put("created_at", v.createdAt().toString());
        version.put("updated_at", v.updatedAt().toString());
        return version;
    }

    /**
     * Whether the version has somewhere to be called (its url, or its type's endpoint), and if not, what to set.
     * Its health is the prober's, beside it in {@code health_score}.
     */
    private void routability(final VersionConfig v, final Map<String, Object> version) {
        final Optional<String> why = endpoints.whyNotRoutable(v);
        version.put("routable", why.isEmpty());
        why.ifPresent(reason -> version.put("not_routable_reason", reason));
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
        config.putAll(new TreeMap<>(v.parameters()));
        v.secrets().names().forEach(name -> config.put(name, MASK));
        return config;
    }
}
