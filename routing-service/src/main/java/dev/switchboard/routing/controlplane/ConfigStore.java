package dev.switchboard.routing.controlplane;

import dev.switchboard.common.kafka.CompactedTopicView;
import dev.switchboard.events.ProviderSettings;
import dev.switchboard.events.ProviderSnapshot;
import dev.switchboard.events.ProviderVersion;
import dev.switchboard.routing.rollout.RolloutBoard;
import dev.switchboard.routing.strategy.StickyRolloutStrategy;
import dev.switchboard.routing.table.Provider;
import dev.switchboard.routing.table.ProviderPolicy;
import dev.switchboard.routing.table.RoutingTable;
import dev.switchboard.routing.table.VersionConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing table every router builds from the compacted {@code provider-config} and
 * {@code provider-settings} topics. Until both have been read to their end (e.g. while the broker is away at
 * start-up), and while the config topic has never held a version (a new deployment, about to be seeded), the
 * router routes by its start-up configuration, so it serves from its first second; from then on only the topics
 * count, and every change is applied as soon as it is read. Changes computed from the table are written only once
 * it comes from the topics ({@link #fromTopics()}): one computed from the start-up configuration would otherwise
 * land in topics that do not hold it, and the versions it left out would vanish from every router.
 */
public final class ConfigStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConfigStore.class);

    private final CompactedTopicView<ProviderVersion> versions;
    private final CompactedTopicView<ProviderSettings> settings;
    private final ConfigEvents events;
    private final Predicate<String> knownStrategy;
    private final RolloutBoard rollouts;
    private final AtomicReference<RoutingTable> table;
    private final boolean noStartupProviders;
    private volatile boolean fromTopics;

    public ConfigStore(final CompactedTopicView.Factory<ProviderVersion> versions,
                       final CompactedTopicView.Factory<ProviderSettings> settings, final ConfigEvents events,
                       final List<Provider> startup, final Predicate<String> knownStrategy) {
        this(versions, settings, events, startup, knownStrategy, new RolloutBoard());
    }

    /** @param rollouts the rollouts, whose running steps override their providers' own split */
    public ConfigStore(final CompactedTopicView.Factory<ProviderVersion> versions,
                       final CompactedTopicView.Factory<ProviderSettings> settings, final ConfigEvents events,
                       final List<Provider> startup, final Predicate<String> knownStrategy,
                       final RolloutBoard rollouts) {
        this.events = events;
        this.knownStrategy = knownStrategy;
        this.rollouts = rollouts;
        rollouts.onChange(this::rebuild);
        this.table = new AtomicReference<>(new RoutingTable(startup));
        this.noStartupProviders = startup.isEmpty();
        this.versions = versions.create((key, value) -> rebuild());
        this.settings = settings.create((key, value) -> rebuild());
    }

    public ConfigStore start() {
        versions.start();
        settings.start();
        Thread.ofVirtual().name("config-store-catch-up").start(() -> {
            try {
                while (!(versions.awaitCaughtUp(Duration.ofSeconds(30)) && settings.awaitCaughtUp(Duration.ofSeconds(30)))) {
                    log.info("Still reading the provider config topics; routing by the start-up configuration");
                }
                rebuild();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return this;
    }

    public RoutingTable table() {
        return table.get();
    }

    /** Whether the table comes from the topics yet, rather than from the start-up configuration. */
    public boolean fromTopics() {
        return fromTopics;
    }

    public Map<String, ProviderVersion> versionEvents() {
        return versions.snapshot();
    }

    /**
     * A provider's configuration as its topics hold it (secrets sealed), before a running rollout's split is laid
     * over it: what a change is computed against, recorded in the history, and restored.
     */
    public ProviderSnapshot configured(final String providerId) {
        final List<ProviderVersion> list = new ArrayList<>();
        versions.snapshot().forEach((key, event) -> {
            if (key.startsWith(providerId + "/")) {
                list.add(event);
            }
        });
        list.sort(Comparator.comparing(ProviderVersion::getVersion));
        return new ProviderSnapshot(list, settings.snapshot().get(providerId));
    }

    public boolean awaitVersionPositions(final Map<TopicPartition, Long> offsets, final Duration timeout)
        throws InterruptedException {
        return versions.awaitPositions(offsets, timeout);
    }

    public boolean awaitSettingsPositions(final Map<TopicPartition, Long> offsets, final Duration timeout)
        throws InterruptedException {
        return settings.awaitPositions(offsets, timeout);
    }

    public boolean awaitCaughtUp(final Duration timeout) throws InterruptedException {
        return versions.awaitCaughtUp(timeout) && settings.awaitCaughtUp(timeout);
    }

    private synchronized void rebuild() {
        if (!versions.isCaughtUp() || !settings.isCaughtUp()) {
            return;
        }
        if (!fromTopics && versions.snapshot().isEmpty() && !noStartupProviders) {
            return; // a new deployment about to be seeded; once the topics have been used, empty means empty
        }
        final Map<String, List<VersionConfig>> byProvider = new LinkedHashMap<>();
        versions.snapshot().values().stream()
            .map(events::toVersion)
            .sorted(Comparator.comparing(VersionConfig::createdAt).thenComparing(VersionConfig::version))
            .forEach(v -> byProvider.computeIfAbsent(v.key().provider(), k -> new ArrayList<>()).add(v));
        final Map<String, ProviderSettings> policies = settings.snapshot();
        final List<Provider> providers = new ArrayList<>();
        byProvider.forEach((id, list) -> providers.add(provider(id, list, policies.get(id))));
        final RoutingTable next = new RoutingTable(providers);
        table.set(next);
        if (!fromTopics) {
            fromTopics = true;
            log.info("Routing from the provider config topics now: {} providers, {} versions", providers.size(),
                providers.stream().mapToInt(p -> p.versions().size()).sum());
        }
    }

    private Provider provider(final String id, final List<VersionConfig> list, final ProviderSettings stored) {
        final VersionConfig first = list.get(0);
        ProviderPolicy policy = stored == null ? ProviderPolicy.of("weight") : ConfigEvents.toPolicy(stored);
        if (!knownStrategy.test(policy.strategy())) {
            log.warn("Provider {} names unknown strategy '{}'; routing it by weight", id, policy.strategy());
            policy = ProviderPolicy.of("weight");
        }
        return new Provider(first.key().category(), first.key().name(), withRollout(id, policy, list),
            oneDefault(list));
    }

    /**
     * A rollout running on the provider routes it by the sticky split of its step, whatever the provider's own
     * strategy; fallback, attempts and shadow mode stay as configured.
     */
    private ProviderPolicy withRollout(final String id, final ProviderPolicy policy, final List<VersionConfig> list) {
        return rollouts.routing(id, version -> list.stream().filter(v -> v.key().version().equals(version))
                .findFirst())
            .map(split -> new ProviderPolicy(StickyRolloutStrategy.NAME, Optional.of(split),
                policy.fallbackProvider(), policy.maxAttempts(), policy.shadow(), policy.changes()))
            .orElse(policy);
    }

    /** A provider has at most one default; should the topic ever hold two, the latest change wins. */
    private static List<VersionConfig> oneDefault(final List<VersionConfig> list) {
        final List<VersionConfig> defaults = list.stream().filter(VersionConfig::isDefault).toList();
        if (defaults.size() <= 1) {
            return list;
        }
        final VersionConfig latest = defaults.stream().max(Comparator.comparing(VersionConfig::updatedAt)).orElseThrow();
        log.warn("{} has {} default versions in the topic; using {}", latest.key().provider(), defaults.size(),
            latest.version());
        return list.stream().map(v -> v.isDefault() && v != latest ? v.withDefault(false, v.updatedAt()) : v).toList();
    }

    @Override
    public void close() {
        versions.close();
        settings.close();
    }
}
