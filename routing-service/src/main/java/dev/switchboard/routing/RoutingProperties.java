package dev.switchboard.routing;

import dev.switchboard.routing.health.AllUnhealthy;
import dev.switchboard.routing.proxy.PlainAnswerClient;
import dev.switchboard.routing.table.Endpoints;
import dev.switchboard.routing.table.Prices;
import dev.switchboard.routing.table.Provider;
import dev.switchboard.routing.table.ProviderPolicy;
import dev.switchboard.routing.table.VersionConfig;
import dev.switchboard.schemas.VersionKey;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the routing service ({@code switchboard.routing.*}).
 *
 * @param instanceId      names this router in outcome events; a random one when blank
 * @param connectTimeout  how long to wait for an upstream connection
 * @param responseTimeout how long to wait for an upstream's response headers
 * @param requestDeadline the longest one client request may take across all its attempts
 * @param maxConnectionsPerUpstream pooled connections to one upstream; also the most requests in flight to it
 * @param ioThreads       event loops serving clients and calling upstreams; 0 means one per core
 * @param maxRequestSize  the largest request body the front door accepts
 * @param maxAnswerSize   the largest plain (not streamed) answer taken from an upstream; a larger one fails the
 *                        attempt rather than the router's memory
 * @param outcomeBuffer   outcome events held in memory while Kafka is slow or down (each for up to the producer's
 *                        delivery timeout, five minutes); beyond it they are dropped, and counted
 * @param shadowMaxInFlight shadow calls (seed 003's shadow mode) in flight at most, apart from the clients' own;
 *                        beyond it requests are not mirrored (and counted)
 * @param outliers        passive health: ejection of versions that keep failing live requests
 * @param retryBudget     how many failovers the router allows itself (see {@link RetryBudgetSettings})
 * @param proberUrl       the health prober, whose health API ({@code /api/providers/health},
 *                        {@code /api/health-check/...}) the router serves at its own port too
 * @param statsUrl        stats-streams, whose experiment results ({@code /api/experiments/{name}/results}) the
 *                        router serves at its own port too
 * @param whenAllUnhealthy what a provider whose every active version is unhealthy gets: {@code default-version}
 *                        (its default version is tried anyway: a prober that is wrong cannot black out a
 *                        provider) or {@code reject} (a 503 at once, or its fallback provider)
 * @param providers       the providers and versions that seed an empty provider-config topic, and that are routed
 *                        until the topic has been read
 * @param rollouts        rollouts declared in configuration (seed 003's environment variables, e.g.
 *                        {@code SWITCHBOARD_ROUTING_ROLLOUTS_0_PROVIDER=LLM/OllamaLLM}, {@code ..._CANDIDATE=v2},
 *                        {@code ..._PERCENTAGE=10}): each starts once, like one made through the API
 * @param types           per type, the endpoint of its versions that have no url of their own (seed 000's TTS
 *                        versions), e.g. {@code switchboard.routing.types.edge.url=http://tts-gateway:8000/edge};
 *                        a version with neither is listed but not routable
 * @param plainAnswerClient which client calls upstreams for plain answers: {@code lean} (the default) or
 *                        {@code reactor} (Reactor Netty's, as streams use; slower, kept as a fallback)
 * @param notifications   delivery to the alert channels (see {@link NotificationSettings})
 * @param registry        seed 002's retention of the model registry (see {@link RegistrySettings})
 */
@ConfigurationProperties("switchboard.routing")
public record RoutingProperties(
    @DefaultValue("") String instanceId,
    @DefaultValue("5s") Duration connectTimeout,
    @DefaultValue("60s") Duration responseTimeout,
    @DefaultValue("120s") Duration requestDeadline,
    @DefaultValue("10000") int maxConnectionsPerUpstream,
    @DefaultValue("0") int ioThreads,
    @DefaultValue("16MB") DataSize maxRequestSize,
    @DefaultValue("64MB") DataSize maxAnswerSize,
    @DefaultValue("50000") int outcomeBuffer,
    @DefaultValue("64") int shadowMaxInFlight,
    @DefaultValue OutlierSettings outliers,
    @DefaultValue RetryBudgetSettings retryBudget,
    @DefaultValue("http://localhost:8082") URI proberUrl,
    @DefaultValue("http://localhost:8081") URI statsUrl,
    @DefaultValue("default-version") AllUnhealthy whenAllUnhealthy,
    @DefaultValue List<ProviderSettings> providers,
    @DefaultValue List<DeclaredRollout> rollouts,
    @DefaultValue Map<String, TypeSettings> types,
    @DefaultValue("lean") PlainAnswerClient plainAnswerClient,
    @DefaultValue NotificationSettings notifications,
    @DefaultValue RegistrySettings registry) {

    /**
     * Seed 002's retention: registry entries older than {@code retention} are archived (listed only when asked for),
     * unless tagged {@code stable} or deployed.
     *
     * @param retention   {@code METADATA_RETENTION_DAYS}, as a duration
     * @param autoCleanup {@code AUTO_CLEANUP_ENABLED}: whether routers archive old entries at all
     * @param cleanupEvery how often a router looks for entries to archive
     */
    public record RegistrySettings(@DefaultValue("365d") Duration retention, @DefaultValue("true") boolean autoCleanup,
                                   @DefaultValue("1h") Duration cleanupEvery) {
        public RegistrySettings {
            if (retention.compareTo(Duration.ofDays(1)) < 0 || cleanupEvery.isNegative() || cleanupEvery.isZero()) {
                throw new IllegalArgumentException("switchboard.routing.registry: retention must be at least a day "
                    + "and cleanup-every positive");
            }
        }
    }

    /**
     * @param firstRetry the wait after a channel's first failed delivery; it doubles with each failure after
     * @param maxRetry   the longest wait between two attempts
     * @param maxAge     how long an event is tried; older, it is given up (counted and logged)
     * @param timeout    one attempt's time limit
     */
    public record NotificationSettings(@DefaultValue("1s") Duration firstRetry, @DefaultValue("30s") Duration maxRetry,
                                       @DefaultValue("24h") Duration maxAge, @DefaultValue("10s") Duration timeout) {
    }

    /** Where versions of a type that have no url of their own are called ({@code types.<type>.url}). */
    public record TypeSettings(URI url) {
    }

    /** The per-type endpoints, checked: an endpoint that is not an absolute url stops the router at start-up. */
    public Endpoints endpoints() {
        final Map<String, URI> byType = new LinkedHashMap<>();
        types.forEach((type, settings) -> byType.put(type, settings.url()));
        return Endpoints.of(byType);
    }

    /**
     * A rollout declared in configuration: {@code candidate} of {@code provider} (as {@code category/name}) starts
     * at {@code percentage} of the subjects against the provider's default version, and goes on through the default
     * steps above it, judged by the default gates.
     */
    public record DeclaredRollout(String provider, String candidate, double percentage) {
        public DeclaredRollout {
            if (provider == null || provider.isBlank() || candidate == null || candidate.isBlank()) {
                throw new IllegalArgumentException("switchboard.routing.rollouts[*] needs a provider and a candidate");
            }
            if (!(percentage > 0 && percentage < 100)) {
                throw new IllegalArgumentException("switchboard.routing.rollouts[*].percentage must be above 0 and "
                    + "below 100 (the last promote takes the candidate to 100), got " + percentage);
            }
        }
    }

    /**
     * @param consecutiveFailures failed attempts in a row that eject a version
     * @param baseEjection        first ejection time, doubled at each repeat
     * @param maxEjection         longest ejection
     * @param slowStart           time over which a returning version's weight grows back to full
     */
    /**
     * Caps failovers so that a failing provider cannot multiply the load on the others (Envoy's retry budget).
     *
     * @param ratio        retries earned per request (0.2: up to a fifth of requests fail over)
     * @param minPerSecond retries allowed a second whatever the traffic, so a quiet provider can still fail over
     * @param capacity     retries saved up at most, for a burst
     */
    public record RetryBudgetSettings(@DefaultValue("0.2") double ratio, @DefaultValue("10") double minPerSecond,
                                      @DefaultValue("100") double capacity) {
        public RetryBudgetSettings {
            if (ratio < 0 || minPerSecond < 0 || capacity < 1) {
                throw new IllegalArgumentException("switchboard.routing.retry-budget needs ratio >= 0, "
                    + "min-per-second >= 0 and capacity >= 1");
            }
        }
    }

    public record OutlierSettings(@DefaultValue("5") int consecutiveFailures, @DefaultValue("10s") Duration baseEjection,
                                  @DefaultValue("5m") Duration maxEjection, @DefaultValue("30s") Duration slowStart) {
    }

    public RoutingProperties {
        instanceId = instanceId.isBlank() ? "router-" + UUID.randomUUID().toString().substring(0, 8) : instanceId;
        ioThreads = ioThreads == 0 ? Runtime.getRuntime().availableProcessors() : ioThreads;
        if (ioThreads < 1) {
            throw new IllegalArgumentException("switchboard.routing.io-threads must be >= 0, got " + ioThreads);
        }
        requireIntSized("max-request-size", maxRequestSize);
        requireIntSized("max-answer-size", maxAnswerSize);
        if (outcomeBuffer < 1) {
            throw new IllegalArgumentException("switchboard.routing.outcome-buffer must be >= 1, got " + outcomeBuffer);
        }
    }

    private static void requireIntSized(final String name, final DataSize size) {
        if (size.toBytes() < 1 || size.toBytes() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("switchboard.routing." + name + " must be between 1B and 2GB, got "
                + size);
        }
    }

    /** One provider as written in YAML. */
    public record ProviderSettings(String category, String name, @DefaultValue("weight") String strategy,
                                   String fallbackProvider, @DefaultValue("3") int maxAttempts,
                                   @DefaultValue List<VersionSettings> versions) {

        Provider toProvider() {
            return new Provider(category, name,
                new ProviderPolicy(strategy, Optional.empty(), Optional.ofNullable(fallbackProvider), maxAttempts),
                versions.stream().map(v -> v.toVersion(category, name)).toList());
        }
    }

    /**
     * One version as written in YAML, with the seed's field names.
     *
     * @param prices what a call costs in US dollars ({@code input_per_million_tokens}, {@code
     *               output_per_million_tokens}, {@code per_request}, and for speech {@code
     *               per_million_characters}); none for a version not priced
     */
    public record VersionSettings(String version, @DefaultValue("openai") String type, String modelName, String url,
                                  @DefaultValue("0") int weight, @DefaultValue("true") boolean isActive,
                                  @DefaultValue("false") boolean isDefault,
                                  @DefaultValue Map<String, Object> parameters, @Nullable Prices prices) {

        VersionConfig toVersion(final String category, final String name) {
            final VersionKey key = new VersionKey(category, name, version);
            return VersionConfig.of(key, type, modelName, url == null || url.isBlank() ? null : URI.create(url),
                weight, isActive, isDefault, parameters, Optional.ofNullable(prices));
        }
    }

    public List<Provider> routedProviders() {
        return providers.stream().map(ProviderSettings::toProvider).toList();
    }
}
