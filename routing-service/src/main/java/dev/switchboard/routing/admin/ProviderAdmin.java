package dev.switchboard.routing.admin;

import dev.switchboard.events.ConfigChange;
import dev.switchboard.routing.controlplane.ConfigStore;
import dev.switchboard.routing.controlplane.ConfigWriter;
import dev.switchboard.routing.table.Provider;
import dev.switchboard.routing.table.ProviderPolicy;
import dev.switchboard.routing.table.RoutingTable;
import dev.switchboard.routing.table.Secrets;
import dev.switchboard.routing.table.ShadowMirror;
import dev.switchboard.routing.table.StickyRollout;
import dev.switchboard.routing.table.VersionConfig;
import dev.switchboard.schemas.VersionKey;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The seed 000 operations on provider versions: checks each request against the current table, then writes the
 * change and its audit record as one transaction. A request that fails a check changes nothing.
 * Operations are serialized per router; two routers changing one provider at once resolve last-write-wins.
 */
final class ProviderAdmin {

    private static final Logger log = LoggerFactory.getLogger(ProviderAdmin.class);
    private static final Set<String> VERSION_FIELDS = Set.of("category", "name", "version", "type", "model_name",
        "url", "weight", "is_active", "is_default", "id");

    private final ConfigStore store;
    private final ConfigWriter writer;
    private final Set<String> strategies;
    private final ObjectMapper json;
    private final Clock clock;
    private final String instanceId;

    ProviderAdmin(final ConfigStore store, final ConfigWriter writer, final Set<String> strategies,
                  final ObjectMapper json, final Clock clock, final String instanceId) {
        this.store = store;
        this.writer = writer;
        this.strategies = Set.copyOf(strategies);
        this.json = json;
        this.clock = clock;
        this.instanceId = instanceId;
    }

    Provider provider(final String category, final String name) {
        final RoutingTable table = store.table();
        if (table.find(category + "/" + name) instanceof RoutingTable.Lookup.Found found) {
            return found.provider();
        }
        if (table.providers().stream().noneMatch(p -> p.category().equals(category))) {
            throw AdminException.notFound("Unknown category '" + category + "': no provider is configured in it");
        }
        throw AdminException.notFound("Unknown provider '" + name + "' in category '" + category + "'");
    }

    /** Re-reads the config topics to their end before answering. */
    Provider refresh(final String category, final String name) throws InterruptedException {
        if (!store.awaitCaughtUp(Duration.ofSeconds(10))) {
            throw AdminException.conflict("The provider config topics are not readable yet; routing by the start-up "
                + "configuration. Retry once the broker is reachable.");
        }
        return provider(category, name);
    }

    synchronized VersionConfig create(final String actor, final JsonNode body) {
        final JsonNode request = object(body);
        final String category = text(request, "category", true);
        final String name = text(request, "name", true);
        final String versionName = text(request, "version", true);
        final VersionKey key = key(category, name, versionName);
        if (name.contains("@") || versionName.contains("@")) {
            throw AdminException.badRequest("'name' and 'version' may not contain '@': clients pin a version as "
                + "\"model\": \"name@version\"");
        }
        final Optional<Provider> provider = find(category, name);
        if (provider.flatMap(p -> p.version(versionName)).isPresent()) {
            throw AdminException.conflict("Version " + versionName + " of " + key.provider() + " already exists");
        }
        final Instant now = clock.instant();
        final VersionConfig created = new VersionConfig(key, type(request, "openai"), optionalText(request, "model_name"),
            url(request, Optional.empty()), weight(request, 0), bool(request, "is_active", true), bool(request, "is_default", false),
            extraParameters(request, Map.of()), extraSecrets(request, Secrets.none()), now, now);
        if (created.isDefault() && !created.active()) {
            throw AdminException.badRequest("A default version must be active: is_default true needs is_active true");
        }
        final ConfigWriter.ChangeSet changes = writer.changes().putVersion(created);
        if (created.isDefault()) {
            provider.flatMap(Provider::defaultVersion).ifPresent(old -> changes.putVersion(old.withDefault(false, now)));
        }
        writer.commit(changes.audit(audit(actor, "create_version", key.toString(), null, created), key.provider()));
        return created;
    }

    synchronized VersionConfig update(final String actor, final String category, final String name,
                                      final String versionName, final JsonNode body) {
        final JsonNode request = object(body);
        final Provider provider = provider(category, name);
        final VersionConfig old = version(provider, versionName);
        for (final String fixed : List.of("category", "name", "version")) {
            if (request.has(fixed) && !request.get(fixed).asString("").equals(fixed.equals("category") ? category
                : fixed.equals("name") ? name : versionName)) {
                throw AdminException.badRequest("'" + fixed + "' cannot be changed; create a new version instead");
            }
        }
        if (request.has("is_default")) {
            throw AdminException.badRequest("Use PUT .../default to change the default version");
        }
        final Instant now = clock.instant();
        final VersionConfig updated = new VersionConfig(old.key(), type(request, old.type()),
            request.has("model_name") ? optionalText(request, "model_name") : old.modelName(), url(request, old.url()),
            weight(request, old.weight()), bool(request, "is_active", old.active()), old.isDefault(),
            extraParameters(request, old.parameters()), extraSecrets(request, old.secrets()), old.createdAt(), now);
        if (old.isDefault() && !updated.active()) {
            throw AdminException.conflict("Version " + versionName + " is the default; set another default first");
        }
        writer.commit(writer.changes().putVersion(updated)
            .audit(audit(actor, "update_version", old.key().toString(), old, updated), old.key().provider()));
        return updated;
    }

    synchronized Provider setWeight(final String actor, final String category, final String name, final JsonNode body) {
        final JsonNode request = object(body);
        final Provider provider = provider(category, name);
        final VersionConfig old = version(provider, text(request, "version", true));
        if (!request.has("weight")) {
            throw AdminException.badRequest("'weight' is required: a whole number 0-100");
        }
        final VersionConfig updated = old.withWeight(weight(request, old.weight()), clock.instant());
        writer.commit(writer.changes().putVersion(updated)
            .audit(audit(actor, "set_weight", old.key().toString(), old, updated), old.key().provider()));
        return provider(category, name);
    }

    synchronized Provider setDefault(final String actor, final String category, final String name,
                                     final JsonNode body) {
        final Provider provider = provider(category, name);
        final VersionConfig chosen = version(provider, text(object(body), "version", true));
        if (!chosen.active()) {
            throw AdminException.conflict("Version " + chosen.version() + " is inactive; activate it before making it "
                + "the default");
        }
        final Instant now = clock.instant();
        final ConfigWriter.ChangeSet changes = writer.changes();
        provider.defaultVersion().filter(old -> !old.equals(chosen)).ifPresent(old -> changes.putVersion(old.withDefault(false, now)));
        final VersionConfig updated = chosen.withDefault(true, now);
        writer.commit(changes.putVersion(updated)
            .audit(audit(actor, "set_default", chosen.key().toString(), chosen, updated), provider.id()));
        return provider(category, name);
    }

    synchronized VersionConfig setActive(final String actor, final String category, final String name,
                                         final String versionName, final boolean active) {
        final VersionConfig old = version(provider(category, name), versionName);
        if (!active && old.isDefault()) {
            throw AdminException.conflict("Version " + versionName + " is the default; set another default first");
        }
        final VersionConfig updated = old.withActive(active, clock.instant());
        writer.commit(writer.changes().putVersion(updated).audit(audit(actor, active ? "activate_version"
            : "deactivate_version", old.key().toString(), old, updated), old.key().provider()));
        return updated;
    }

    synchronized void delete(final String actor, final String category, final String name, final String versionName) {
        final Provider provider = provider(category, name);
        final VersionConfig old = version(provider, versionName);
        if (old.isDefault() && provider.versions().size() > 1) {
            throw AdminException.conflict("Version " + versionName + " is the default; set another default first");
        }
        if (provider.policy().rollout().filter(r -> r.baseline().equals(versionName)
                || r.candidate().equals(versionName)).isPresent() && provider.strategy().equals("sticky_rollout")) {
            throw AdminException.conflict("Version " + versionName + " is in the running sticky rollout; change the "
                + "strategy first");
        }
        writer.commit(writer.changes().deleteVersion(old.key())
            .audit(audit(actor, "delete_version", old.key().toString(), old, null), old.key().provider()));
    }

    synchronized Provider setStrategy(final String actor, final String category, final String name,
                                      final JsonNode body) {
        final JsonNode request = object(body);
        final Provider provider = provider(category, name);
        final String strategy = text(request, "strategy", true);
        if (!strategies.contains(strategy)) {
            throw AdminException.badRequest("Unknown strategy '" + strategy + "'; known strategies are "
                + strategies.stream().sorted().toList());
        }
        final Optional<StickyRollout> rollout = rollout(request, provider);
        if (strategy.equals("sticky_rollout") && rollout.isEmpty()) {
            throw AdminException.badRequest("Strategy sticky_rollout needs 'rollout': {\"baseline\", \"candidate\", "
                + "\"percentage\"}");
        }
        final Optional<String> fallback = request.has("fallback_provider") && !request.get("fallback_provider").isNull()
            ? Optional.of(fallback(request.get("fallback_provider").asString(""), provider))
            : provider.policy().fallbackProvider();
        final int maxAttempts = request.has("max_attempts")
            ? wholeNumber(request, "max_attempts", 1, 10) : provider.policy().maxAttempts();
        final ProviderPolicy policy = new ProviderPolicy(strategy, rollout, fallback, maxAttempts,
            provider.policy().shadow());
        final Instant now = clock.instant();
        writer.commit(writer.changes().putPolicy(category, name, policy, now)
            .audit(change(actor, "set_strategy", provider.id(), json.writeValueAsString(policyView(provider.policy())),
                json.writeValueAsString(policyView(policy))), provider.id()));
        return provider(category, name);
    }

    /**
     * Seed 003's shadow mode: {@code {"candidate": "v2", "percentage": 100}} mirrors that share of the requests
     * other versions answered to the candidate; {@code {"percentage": 0}} or {@code {"enabled": false}} ends it.
     */
    synchronized Provider setShadow(final String actor, final String category, final String name,
                                    final JsonNode body) {
        final JsonNode request = object(body);
        final Provider provider = provider(category, name);
        final boolean off = request.path("enabled").isBoolean() && !request.path("enabled").asBoolean()
            || request.path("percentage").isNumber() && request.path("percentage").asDouble() == 0;
        Optional<ShadowMirror> mirror = Optional.empty();
        if (!off) {
            final String candidate = text(request, "candidate", true);
            version(provider, candidate);
            final JsonNode percentage = request.get("percentage");
            if (percentage == null || !percentage.isNumber() || percentage.asDouble() < 0
                || percentage.asDouble() > 100) {
                throw AdminException.badRequest("'percentage' must be a number 0-100");
            }
            mirror = Optional.of(new ShadowMirror(candidate, percentage.asDouble()));
        }
        final ProviderPolicy policy = provider.policy().withShadow(mirror);
        writer.commit(writer.changes().putPolicy(category, name, policy, clock.instant())
            .audit(change(actor, "set_shadow", provider.id(), json.writeValueAsString(policyView(provider.policy())),
                json.writeValueAsString(policyView(policy))), provider.id()));
        return provider(category, name);
    }

    private Optional<StickyRollout> rollout(final JsonNode request, final Provider provider) {
        final JsonNode rollout = request.get("rollout");
        if (rollout == null || rollout.isNull()) {
            return provider.policy().rollout();
        }
        if (!rollout.isObject()) {
            throw AdminException.badRequest("'rollout' must be an object with baseline, candidate and percentage");
        }
        final String baseline = text(rollout, "baseline", true);
        final String candidate = text(rollout, "candidate", true);
        version(provider, baseline);
        version(provider, candidate);
        if (baseline.equals(candidate)) {
            throw AdminException.badRequest("A rollout needs two different versions, got " + baseline + " twice");
        }
        final JsonNode percentage = rollout.get("percentage");
        if (percentage == null || !percentage.isNumber() || percentage.asDouble() < 0 || percentage.asDouble() > 100) {
            throw AdminException.badRequest("'rollout.percentage' must be a number 0-100");
        }
        // Same pair, same salt: raising the percentage keeps every subject that already has the candidate.
        final String salt = provider.policy().rollout()
            .filter(r -> r.baseline().equals(baseline) && r.candidate().equals(candidate))
            .map(StickyRollout::salt)
            .orElseGet(() -> UUID.randomUUID().toString());
        return Optional.of(new StickyRollout(baseline, candidate, percentage.asDouble(), salt));
    }

    private String fallback(final String id, final Provider provider) {
        if (id.equals(provider.id())) {
            throw AdminException.badRequest("A provider cannot be its own fallback");
        }
        if (!(store.table().find(id) instanceof RoutingTable.Lookup.Found) || !id.contains("/")) {
            throw AdminException.badRequest("'fallback_provider' must name a configured provider as category/name, "
                + "got '" + id + "'");
        }
        return id;
    }

    private static Map<String, Object> policyView(final ProviderPolicy policy) {
        final Map<String, Object> view = new HashMap<>();
        view.put("strategy", policy.strategy());
        policy.rollout().ifPresent(r -> view.put("rollout", Map.of("baseline", r.baseline(),
            "candidate", r.candidate(), "percentage", r.percentage())));
        policy.fallbackProvider().ifPresent(f -> view.put("fallback_provider", f));
        view.put("max_attempts", policy.maxAttempts());
        policy.shadow().ifPresent(m -> view.put("shadow", Map.of("candidate", m.candidate(),
            "percentage", m.percentage())));
        return view;
    }

    private ConfigChange audit(final String actor, final String action, final String subject,
                               final VersionConfig before, final VersionConfig after) {
        return change(actor, action, subject,
            before == null ? null : json.writeValueAsString(AdminViews.config(before)),
            after == null ? null : json.writeValueAsString(AdminViews.config(after)));
    }

    private ConfigChange change(final String actor, final String action, final String subject, final String before,
                                final String after) {
        log.info("{} by {}: {}", action, actor, subject);
        return ConfigChange.newBuilder().setActor(actor).setAt(clock.instant()).setAction(action).setSubject(subject)
            .setBefore(before).setAfter(after).setRouterInstance(instanceId).build();
    }

    private Optional<Provider> find(final String category, final String name) {
        return store.table().find(category + "/" + name) instanceof RoutingTable.Lookup.Found found
            ? Optional.of(found.provider()) : Optional.empty();
    }

    private static VersionConfig version(final Provider provider, final String version) {
        return provider.version(version).orElseThrow(() -> AdminException.notFound("Unknown version '" + version
            + "' of " + provider.id() + "; its versions are "
            + provider.versions().stream().map(VersionConfig::version).toList()));
    }

    private static VersionKey key(final String category, final String name, final String version) {
        try {
            return new VersionKey(category, name, version);
        } catch (IllegalArgumentException e) {
            throw AdminException.badRequest(e.getMessage());
        }
    }

    private static JsonNode object(final JsonNode body) {
        if (body == null || !body.isObject()) {
            throw AdminException.badRequest("The request body must be a JSON object");
        }
        return body;
    }

    private static String text(final JsonNode request, final String field, final boolean required) {
        final JsonNode value = request.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw AdminException.badRequest("'" + field + "' is required");
            }
            return null;
        }
        if (!value.isString() || value.asString().isBlank()) {
            throw AdminException.badRequest("'" + field + "' must be a non-blank string");
        }
        return value.asString().strip();
    }

    private static String optionalText(final JsonNode request, final String field) {
        return text(request, field, false);
    }

    private static int weight(final JsonNode request, final int fallback) {
        return request.has("weight") ? wholeNumber(request, "weight", 0, 100) : fallback;
    }

    private static int wholeNumber(final JsonNode request, final String field, final int min, final int max) {
        final JsonNode value = request.get(field);
        if (value == null || !value.isIntegralNumber() || value.asLong() < min || value.asLong() > max) {
            throw AdminException.badRequest("'" + field + "' must be a whole number " + min + "-" + max + ", got "
                + (value == null ? "nothing" : value.toString()));
        }
        return value.asInt();
    }

    private static boolean bool(final JsonNode request, final String field, final boolean fallback) {
        final JsonNode value = request.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw AdminException.badRequest("'" + field + "' must be true or false, got " + value);
        }
        return value.asBoolean();
    }

    /** Any short type name: openai and ollama speak the OpenAI API, the others are HTTP pass-through. */
    private static String type(final JsonNode request, final String fallback) {
        final String type = request.has("type") ? text(request, "type", true) : fallback;
        if (!type.matches("[A-Za-z0-9_-]{1,40}")) {
            throw AdminException.badRequest("'type' must be a short name such as openai, ollama, edge or http, got '"
                + type + "'");
        }
        return type.toLowerCase(Locale.ROOT);
    }

    /**
     * The version's url; none (absent, or {@code null} to remove it) for a version called at its type's endpoint,
     * as seed 000's TTS versions are.
     */
    private static Optional<URI> url(final JsonNode request, final Optional<URI> fallback) {
        if (!request.has("url")) {
            return fallback;
        }
        final String url = optionalText(request, "url");
        if (url == null) {
            return Optional.empty();
        }
        try {
            final URI uri = URI.create(url);
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw new IllegalArgumentException();
            }
            return Optional.of(uri);
        } catch (IllegalArgumentException e) {
            throw AdminException.badRequest("'url' must be an absolute http(s) URL, got '" + url + "'");
        }
    }

    /** Fields beyond the common ones are per-type parameters (temperature, voice, ...), secrets excepted. */
    private static Map<String, Object> extraParameters(final JsonNode request, final Map<String, Object> base) {
        final Map<String, Object> parameters = new HashMap<>(base);
        for (final String field : request.propertyNames()) {
            if (VERSION_FIELDS.contains(field) || Secrets.isSecretField(field)) {
                continue;
            }
            final JsonNode value = request.get(field);
            if (value.isNull()) {
                parameters.remove(field);
            } else if (value.isBoolean()) {
                parameters.put(field, value.asBoolean());
            } else if (value.isIntegralNumber()) {
                parameters.put(field, value.asLong());
            } else if (value.isNumber()) {
                parameters.put(field, value.asDouble());
            } else if (value.isString()) {
                parameters.put(field, value.asString());
            } else {
                throw AdminException.badRequest("'" + field + "' must be a string, number or boolean");
            }
        }
        return parameters;
    }

    /** Secret fields are write-only: stored sealed, never answered. A null removes one. */
    private static Secrets extraSecrets(final JsonNode request, final Secrets base) {
        final Map<String, String> secrets = new HashMap<>();
        base.names().forEach(name -> secrets.put(name, base.get(name).orElseThrow()));
        for (final String field : request.propertyNames()) {
            if (!Secrets.isSecretField(field)) {
                continue;
            }
            final JsonNode value = request.get(field);
            if (value.isNull()) {
                secrets.remove(field);
            } else if (value.isString() && !value.asString().isBlank()) {
                secrets.put(field, value.asString());
            } else {
                throw AdminException.badRequest("Secret field '" + field + "' must be a non-blank string");
            }
        }
        return Secrets.of(secrets);
    }
}
