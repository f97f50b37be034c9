package dev.switchboard.routing.admin;

import dev.switchboard.events.RegisteredModel;
import dev.switchboard.routing.RoutingProperties;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seed 002's {@code AUTO_CLEANUP_ENABLED}: every so often, archives the registry entries older than
 * {@code METADATA_RETENTION_DAYS} that are neither deployed nor tagged {@code stable}. Each router does it on its own
 * view; two archiving the same entry at once both write the same state, audited twice.
 */
final class RegistryRetention implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RegistryRetention.class);

    private final ModelRegistry registry;
    private final RoutingProperties.RegistrySettings settings;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().name("registry-retention").daemon().factory());

    RegistryRetention(final ModelRegistry registry, final RoutingProperties.RegistrySettings settings) {
        this.registry = registry;
        this.settings = settings;
    }

    RegistryRetention start() {
        if (settings.autoCleanup()) {
            final long every = settings.cleanupEvery().toMillis();
            timer.scheduleWithFixedDelay(this::archiveOld, every, every, TimeUnit.MILLISECONDS);
            log.info("Registry retention: entries older than {} are archived unless deployed or tagged stable, "
                + "checked every {}", settings.retention(), settings.cleanupEvery());
        }
        return this;
    }

    /** One pass; a failure (the broker away) is logged and the next pass tries again. */
    List<RegisteredModel> archiveOld() {
        try {
            final List<RegisteredModel> archived = registry.archiveOlderThan(settings.retention());
            if (!archived.isEmpty()) {
                log.info("Archived {} registry entries older than {}: {}", archived.size(), settings.retention(),
                    archived.stream().map(RegisteredModel::getModelId).toList());
            }
            return archived;
        } catch (RuntimeException e) {
            log.warn("Registry retention could not archive old entries this time: {}", e.toString());
            return List.of();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
