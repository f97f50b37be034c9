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
import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryListener;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryState;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.core.retry.Retryable;

/**
 * Writes the start-up providers to the config topics when the provider-config topic is empty, so a new
 * deployment starts from its YAML; once the topic holds anything, the YAML is ignored and the topics are the
 * truth. Runs in the background: a missing broker delays seeding, never the router's start. A write Kafka does not
 * take (a broker still loading its transaction log, a topic not created yet) is tried again until it is taken or
 * another router has seeded the topics: until then the router routes by its start-up configuration and refuses
 * configuration changes, so giving up would leave it there for good.
 */
public final class StartupSeeder implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StartupSeeder.class);
    private static final Duration RETRY = Duration.ofSeconds(2);
    /** A write Kafka does not take is tried again every {@link #RETRY}, for as long as it takes. */
    private static final RetryPolicy UNTIL_TAKEN = RetryPolicy.builder().includes(ConfigUnavailableException.class)
        .maxRetries(Long.MAX_VALUE).delay(RETRY).multiplier(1).build();

    private final ConfigStore store;
    private final ConfigWriter writer;
    private final List<Provider> startup;
    private final Clock clock;
    private final String instanceId;
    private volatile Thread thread;

    public StartupSeeder(final ConfigStore store, final ConfigWriter writer, final List<Provider> startup,
                         final Clock clock, final String instanceId) {
        this.store = store;
        this.writer = writer;
        this.startup = startup;
        this.clock = clock;
        this.instanceId = instanceId;
    }

    public StartupSeeder start() {
        thread = Thread.ofVirtual().name("config-seeder").start(this::seedWhenEmpty);
        return this;
    }

    private void seedWhenEmpty() {
        final RetryTemplate retries = new RetryTemplate(UNTIL_TAKEN);
        retries.setRetryListener(new RetryListener() {
            @Override
            public void onRetryableExecution(final RetryPolicy policy, final Retryable<?> retryable,
                                             final RetryState state) {
                if (!state.isSuccessful()) {
                    log.warn("Could not seed the provider config topics (attempt {}; routing by the start-up "
                        + "configuration until then), trying again in {} s: {}", state.getExceptions().size(),
                        RETRY.toSeconds(), state.getLastException().getMessage());
                }
            }
        });
        try {
            retries.execute(() -> {
                seedIfEmpty();
                return null;
            });
        } catch (RetryException e) {
            if (e.getCause() instanceof InterruptedException || Thread.currentThread().isInterrupted()) {
                Thread.currentThread().interrupt(); // closed while waiting to try again
            } else {
                log.error("Gave up seeding the provider config topics", e.getLastException());
            }
        }
    }

    /** Once the topics are read (another router may have seeded them meanwhile), seeds them if they are empty. */
    private void seedIfEmpty() throws InterruptedException {
        while (!store.awaitCaughtUp(Duration.ofSeconds(30))) {
            log.info("Waiting to read the provider config topics before deciding whether to seed them");
        }
        if (!store.versionEvents().isEmpty() || startup.isEmpty()) {
            log.info("Provider config topic holds {} versions; the start-up providers are not written",
                store.versionEvents().size());
            return;
        }
        writer.seed(seedChanges());
        log.info("Seeded the empty provider config topics with {} start-up providers", startup.size());
    }

    private ConfigWriter.ChangeSet seedChanges() {
        final Instant now = clock.instant();
        final ConfigWriter.ChangeSet changes = writer.changes();
        for (final Provider provider : startup) {
            for (final VersionConfig version : provider.versions()) {
                changes.putVersion(version.withTimes(now, now));
            }
            changes.putPolicy(provider.category(), provider.name(), provider.policy(), now);
            changes.audit(ConfigChange.newBuilder().setActor("startup-config").setAt(now).setAction("seed")
                .setSubject(provider.id()).setAfter(provider.versions().stream().map(VersionConfig::version)
                    .toList().toString()).setRouterInstance(instanceId).build(), provider.id());
        }
        return changes;
    }

    @Override
    public void close() {
        final Thread running = thread;
        if (running != null) {
            running.interrupt();
        }
    }
}
