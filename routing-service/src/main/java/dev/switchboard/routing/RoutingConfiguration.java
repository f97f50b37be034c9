package dev.switchboard.routing;

import dev.switchboard.common.security.SecretSealer;
import dev.switchboard.routing.controlplane.ConfigEvents;
import dev.switchboard.routing.controlplane.ConfigStore;
import dev.switchboard.routing.experiment.ExperimentBoard;
import dev.switchboard.routing.failover.RetryBudget;
import dev.switchboard.routing.health.HealthBoard;
import dev.switchboard.routing.health.OutlierDetector;
import dev.switchboard.routing.outcome.OutcomeRecorder;
import dev.switchboard.routing.proxy.OverheadRecorder;
import dev.switchboard.routing.proxy.ProviderProxy;
import dev.switchboard.routing.proxy.RequestLog;
import dev.switchboard.routing.strategy.HealthStrategy;
import dev.switchboard.routing.strategy.LeastUsedStrategy;
import dev.switchboard.routing.strategy.RoundRobinStrategy;
import dev.switchboard.routing.strategy.SelectionStrategy;
import dev.switchboard.routing.strategy.StickyRolloutStrategy;
import dev.switchboard.routing.strategy.SubjectHasher;
import dev.switchboard.routing.strategy.TrafficCounters;
import dev.switchboard.routing.strategy.VersionSelector;
import dev.switchboard.routing.strategy.WeightedStrategy;
import dev.switchboard.routing.table.Endpoints;
import dev.switchboard.routing.table.Provider;
import dev.switchboard.schemas.VersionKey;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the routing core (plain Java) to its settings. */
@Configuration(proxyBeanMethods = false)
class RoutingConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    HealthBoard healthBoard() {
        return new HealthBoard();
    }

    @Bean
    OutlierDetector outlierDetector(final RoutingProperties properties, final Clock clock) {
        final RoutingProperties.OutlierSettings o = properties.outliers();
        return new OutlierDetector(new OutlierDetector.Settings(o.consecutiveFailures(), o.baseEjection(),
            o.maxEjection(), o.slowStart()), clock);
    }

    @Bean
    RetryBudget retryBudget(final RoutingProperties properties, final Clock clock) {
        final RoutingProperties.RetryBudgetSettings budget = properties.retryBudget();
        return new RetryBudget(budget.ratio(), budget.minPerSecond(), budget.capacity(), clock);
    }

    @Bean
    TrafficCounters trafficCounters() {
        return new TrafficCounters();
    }

    @Bean
    SecretSealer secretSealer(final SecurityProperties security) {
        return SecretSealer.fromConfig(security.secretsKey(), security.adminToken());
    }

    @Bean
    ConfigEvents configEvents(final SecretSealer sealer) {
        return new ConfigEvents(sealer);
    }

    @Bean
    SubjectHasher subjectHasher(final SecurityProperties security) throws NoSuchAlgorithmException {
        final String secret = security.secretsKey() == null || security.secretsKey().isBlank()
            ? security.adminToken() : security.secretsKey();
        return new SubjectHasher(MessageDigest.getInstance("SHA-256")
            .digest(("switchboard-subject-hash:" + secret).getBytes(StandardCharsets.UTF_8)));
    }

    /** Where versions without a url of their own are called: {@code switchboard.routing.types.<type>.url}. */
    @Bean
    Endpoints endpoints(final RoutingProperties properties) {
        return properties.endpoints();
    }

    @Bean
    List<SelectionStrategy> strategies() {
        return List.of(new WeightedStrategy(), new HealthStrategy(), new RoundRobinStrategy(),
            new LeastUsedStrategy(), new StickyRolloutStrategy());
    }

    @Bean
    ExperimentBoard experimentBoard(final Clock clock) {
        return new ExperimentBoard(clock);
    }

    @Bean
    VersionSelector versionSelector(final List<SelectionStrategy> strategies, final HealthBoard health,
                                    final OutlierDetector outliers, final TrafficCounters counters,
                                    final SubjectHasher hasher, final RoutingProperties properties,
                                    final ExperimentBoard experiments, final Endpoints endpoints) {
        return new VersionSelector(strategies, health, outliers, counters, hasher, new SplittableRandom(),
            properties.whenAllUnhealthy(), experiments, endpoints);
    }

    /** The start-up providers, checked: a YAML naming an unknown strategy stops the router at once. */
    @Bean
    StartupProviders startupProviders(final RoutingProperties properties, final VersionSelector selector) {
        final List<Provider> providers = properties.routedProviders();
        for (final Provider provider : providers) {
            if (!selector.knows(provider.strategy())) {
                throw new IllegalArgumentException("provider " + provider.id() + " names unknown strategy '"
                    + provider.strategy() + "'; known: " + selector.strategyNames());
            }
        }
        return new StartupProviders(providers);
    }

    /**
     * {@code switchboard_router_overhead_seconds{provider, version}}: each request's time in the router itself (the
     * whole request less the time its attempts waited on upstreams), the figure gateways are compared by. A histogram,
     * so p50 and p99 can be taken across routers.
     */
    @Bean
    OverheadRecorder overheadRecorder(final MeterRegistry registry) {
        final Map<VersionKey, Timer> timers = new ConcurrentHashMap<>();
        final Function<VersionKey, Timer> newTimer = key -> Timer.builder("switchboard.router.overhead")
            .description("Request time in the router itself: the whole request less its upstream time")
            .tag("provider", key.provider()).tag("version", key.version())
            .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(10_000))
            .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
        // Made once, not per request: a lambda capturing the registry would be a new object on every call.
        return (version, nanos) -> timers.computeIfAbsent(version, newTimer).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The request log, written from a thread of its own; a MeterBinder bean, so Boot binds its dropped count. */
    @Bean(destroyMethod = "close")
    RequestLog requestLog() {
        return new RequestLog();
    }

    @Bean(destroyMethod = "close")
    ProviderProxy providerProxy(final ConfigStore store, final VersionSelector selector, final OutlierDetector outliers,
                        final RetryBudget retryBudget, final TrafficCounters counters,
                        final RoutingProperties properties, final OutcomeRecorder recorder,
                        final OverheadRecorder overhead, final RequestLog requestLog, final Clock clock,
                        final Endpoints endpoints) {
        return new ProviderProxy(
            new ProviderProxy.Parts(store::table, selector, outliers, retryBudget, counters, recorder, overhead,
                requestLog, ProviderProxy.hotPathJson(), clock, endpoints),
            new ProviderProxy.Settings(properties.connectTimeout(), properties.responseTimeout(),
                properties.requestDeadline(), properties.maxConnectionsPerUpstream(),
                Math.toIntExact(properties.maxAnswerSize().toBytes()), properties.instanceId(),
                properties.shadowMaxInFlight(), properties.plainAnswerClient()),
            properties.ioThreads());
    }

    /** Seed 003's shadow calls, for dashboards: how many were made, and how many the limit turned away. */
    @Bean
    MeterBinder shadowCallMetrics(final ProviderProxy proxy) {
        return registry -> {
            FunctionCounter.builder("switchboard.shadow.calls", proxy, ProviderProxy::shadowCallsStarted)
                .description("Requests mirrored to a shadow candidate").tag("result", "started").register(registry);
            FunctionCounter.builder("switchboard.shadow.calls", proxy, ProviderProxy::shadowCallsSkipped)
                .description("Requests not mirrored: the shadow calls in flight were at their limit")
                .tag("result", "skipped").register(registry);
        };
    }
}
