package dev.switchboard.routing.console;

import dev.switchboard.routing.experiment.ExperimentBoard;
import dev.switchboard.routing.health.HealthBoard;
import dev.switchboard.routing.health.OutlierDetector;
import dev.switchboard.routing.table.Endpoints;
import dev.switchboard.routing.table.Provider;
import dev.switchboard.routing.table.StickyRollout;
import dev.switchboard.routing.table.VersionConfig;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The console's providers view: every provider with its versions as this router routes them (weight, default,
 * strategy, the share each is configured to get), the prober's latest word on each, whether the router would send
 * it anything and why not, and, where stats-streams answered, the traffic each version actually got over the last
 * few minutes next to its configured share.
 */
final class ProvidersOverview {

    /** One version's traffic over the last minutes, as stats-streams counted it. */
    record Traffic(long requests, double requestsPerSecond, Double errorRate, double p50, double p95,
                   Double costPerRequestUsd) {
    }

    private final HealthBoard health;
    private final OutlierDetector outliers;
    private final ExperimentBoard experiments;
    private final Endpoints endpoints;

    ProvidersOverview(final HealthBoard health, final OutlierDetector outliers, final ExperimentBoard experiments,
                      final Endpoints endpoints) {
        this.health = health;
        this.outliers = outliers;
        this.experiments = experiments;
        this.endpoints = endpoints;
    }

    /**
     * @param traffic each version's traffic by {@code category/name/version}; empty when stats-streams did not answer
     */
    List<Map<String, Object>> providers(final Collection<Provider> providers,
                                        final Optional<Map<String, Traffic>> traffic) {
        return providers.stream().sorted(Comparator.comparing(Provider::id))
            .map(provider -> provider(provider, traffic)).toList();
    }

    private Map<String, Object> provider(final Provider provider, final Optional<Map<String, Traffic>> traffic) {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", provider.id());
        json.put("category", provider.category());
        json.put("name", provider.name());
        json.put("strategy", provider.strategy());
        provider.policy().rollout().ifPresent(r -> json.put("rollout", Map.of("baseline", r.baseline(),
            "candidate", r.candidate(), "percentage", r.percentage())));
        provider.policy().shadow().ifPresent(m -> json.put("shadow", Map.of("candidate", m.candidate(),
            "percentage", m.percentage())));
        provider.policy().fallbackProvider().ifPresent(f -> json.put("fallback_provider", f));
        experiments.of(provider.id()).ifPresent(e -> json.put("experiment", e.name()));
        final Map<String, Double> configured = configuredShares(provider);
        final long providerRequests = traffic.map(t -> provider.versions().stream()
            .mapToLong(v -> Optional.ofNullable(t.get(v.key().toString())).map(Traffic::requests).orElse(0L))
            .sum()).orElse(0L);
        json.put("versions", provider.versions().stream().sorted(Comparator.comparing(VersionConfig::version))
            .map(version -> version(provider, version, configured.getOrDefault(version.version(), 0.0),
                traffic.map(t -> Optional.ofNullable(t.get(version.key().toString()))), providerRequests))
            .toList());
        traffic.ifPresent(t -> json.put("requests", providerRequests));
        return json;
    }

    private Map<String, Object> version(final Provider provider, final VersionConfig version, final double share,
                                        final Optional<Optional<Traffic>> traffic, final long providerRequests) {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", version.version());
        json.put("type", version.type());
        json.put("model_name", version.modelName());
        json.put("weight", version.weight());
        json.put("is_active", version.active());
        json.put("is_default", version.isDefault());
        json.put("configured_share", round(share));
        version.prices().ifPresent(prices -> json.put("prices", prices.fields()));
        final Optional<String> notRoutable = whyNotRouted(provider, version);
        json.put("routable", notRoutable.isEmpty());
        notRoutable.ifPresent(reason -> json.put("not_routable_reason", reason));
        json.put("health", health.report(version.key()).map(report -> {
            final Map<String, Object> h = new LinkedHashMap<>();
            h.put("status", report.status());
            h.put("healthy", report.healthy());
            h.put("score", round(report.score()));
            h.put("detail", report.detail());
            h.put("checked_at", report.checkedAt().toString());
            return h;
        }).orElse(null));
        traffic.ifPresent(found -> {
            final Traffic t = found.orElse(new Traffic(0, 0, null, 0, 0, null));
            final Map<String, Object> observed = new LinkedHashMap<>();
            observed.put("requests", t.requests());
            observed.put("requests_per_second", t.requestsPerSecond());
            observed.put("observed_share", providerRequests == 0 ? null
                : round(100.0 * t.requests() / providerRequests));
            observed.put("error_rate", t.errorRate());
            observed.put("p50_response_time", t.requests() == 0 ? null : t.p50());
            observed.put("p95_response_time", t.requests() == 0 ? null : t.p95());
            observed.put("cost_per_request_usd", t.costPerRequestUsd());
            json.put("traffic", observed);
        });
        return json;
    }

    /**
     * The share of traffic (percent) each version is configured to get: a sticky rollout's split where one runs,
     * else the weights of the active versions. Health and ejections are left out: the view shows those beside it.
     */
    static Map<String, Double> configuredShares(final Provider provider) {
        final Optional<StickyRollout> rollout = provider.policy().rollout();
        if (rollout.isPresent()) {
            final Map<String, Double> shares = new HashMap<>();
            shares.put(rollout.get().baseline(), 100 - rollout.get().percentage());
            shares.merge(rollout.get().candidate(), rollout.get().percentage(), Double::sum);
            return shares;
        }
        final List<VersionConfig> weighted = provider.versions().stream()
            .filter(v -> v.active() && v.weight() > 0).toList();
        final int total = weighted.stream().mapToInt(VersionConfig::weight).sum();
        if (total == 0) {
            return provider.defaultVersion().map(v -> Map.of(v.version(), 100.0)).orElse(Map.of());
        }
        return weighted.stream().collect(Collectors.toMap(VersionConfig::version,
            v -> 100.0 * v.weight() / total, Double::sum));
    }

    private Optional<String> whyNotRouted(final Provider provider, final VersionConfig version) {
        // A sticky rollout's two versions and a running experiment's arms are routed whatever their weights.
        final boolean inRollout = provider.policy().rollout()
            .map(r -> r.baseline().equals(version.version()) || r.candidate().equals(version.version()))
            .orElse(false);
        final boolean anArm = experiments.of(provider.id())
            .map(e -> e.arms().stream().anyMatch(arm -> arm.version().equals(version.version())))
            .orElse(false);
        if (!version.active()) {
            return Optional.of("inactive");
        }
        final Optional<String> nowhere = endpoints.whyNotRoutable(version);
        if (nowhere.isPresent()) {
            return nowhere;
        }
        if (version.weight() == 0 && !inRollout && !anArm && !version.isDefault()) {
            return Optional.of("weight 0");
        }
        if (!health.isRoutable(version.key())) {
            return Optional.of("unhealthy (" + health.report(version.key()).map(HealthBoard.Report::detail)
                .orElse("reported by the prober") + ")");
        }
        if (outliers.isEjected(version.key())) {
            return Optional.of("ejected after failing live requests");
        }
        return Optional.empty();
    }

    private static double round(final double value) {
        return Math.round(value * 100) / 100.0;
    }
}
