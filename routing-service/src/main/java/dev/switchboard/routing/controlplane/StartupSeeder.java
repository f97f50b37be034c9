package dev.switchboard.routing.controlplane;

import dev.switchboard.events.ConfigChange;
import dev.switchboard.routing.table.Provider;
import dev.switchboard.routing.table.VersionConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the start-up providers to the config topics when the provider-config topic is empty, so a new
 * deployment starts from its YAML; once the topic holds anything, the YAML is ignored and the topics are the
 * truth. Runs in the background: a missing broker delays seeding, never the router's start.
 */
public final class StartupSeeder {

    private static final Logger log = LoggerFactory.getLogger(StartupSeeder.class);

    private final ConfigStore store;
    private final ConfigWriter writer;
    private final List<Provider> startup;
    private final Clock clock;
    private final String instanceId;

    public StartupSeeder(final ConfigStore store, final ConfigWriter writer, final List<Provider> startup,
                         final Clock clock, final String instanceId) {
        this.store = store;
        this.writer = writer;
        this.startup = startup;
        this.clock = clock;
        this.instanceId = instanceId;
    }

    public Thread start() {
        return Thread.ofVirtual().name("config-seeder").start(this::seedWhenEmpty);
    }

    private void seedWhenEmpty() {
        try {
            while (!store.awaitCaughtUp(Duration.ofSeconds(30))) {
                log.info("Waiting to read the provider config topics before deciding whether to seed them");
            }
            if (!store.versionEvents().isEmpty() || startup.isEmpty()) {
                log.info("Provider config topic holds {} versions; the start-up providers are not written",
                    store.versionEvents().size());
                return;
            }
            final Instant now = clock.instant();
            final ConfigWriter.ChangeSet changes = writer.changes();
            for (final Provider provider : startup) {
                for (final VersionConfig version : provider.versions()) {
                    changes.putVersion(new VersionConfig(version.key(), version.type(), version.modelName(),
                        version.url(), version.weight(), version.active(), version.isDefault(), version.parameters(),
                        version.secrets(), now, now));
                }
                changes.putPolicy(provider.category(), provider.name(), provider.policy(), now);
                changes.audit(ConfigChange.newBuilder().setActor("startup-config").setAt(now).setAction("seed")
                    .setSubject(provider.id()).setAfter(provider.versions().stream().map(VersionConfig::version)
                        .toList().toString()).setRouterInstance(instanceId).build(), provider.id());
            }
            writer.commit(changes);
            log.info("Seeded the empty provider config topics with {} start-up providers", startup.size());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("Could not seed the provider config topics: {}", e.getMessage());
        }
    }
}
