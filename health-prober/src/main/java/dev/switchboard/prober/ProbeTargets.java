package dev.switchboard.prober;

import dev.switchboard.common.kafka.CompactedTopicView;
import dev.switchboard.events.ProviderVersion;
import dev.switchboard.prober.probe.ProbeTarget;
import dev.switchboard.schemas.VersionKey;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured versions as probe targets, kept up to date by the provider-config view: a target is built when
 * its config event arrives, so a version's sealed api key is opened once per change, not on every look the
 * scheduler takes (four a second).
 */
final class ProbeTargets implements CompactedTopicView.Listener<ProviderVersion> {

    private static final Logger log = LoggerFactory.getLogger(ProbeTargets.class);

    private final Map<String, ProbeTarget> byKey = new ConcurrentHashMap<>();
    private final BiFunction<VersionKey, String, Optional<String>> openApiKey;

    /** @param openApiKey opens the sealed {@code api_key} of a version, or gives empty */
    ProbeTargets(final BiFunction<VersionKey, String, Optional<String>> openApiKey) {
        this.openApiKey = openApiKey;
    }

    @Override
    public void onChange(final String key, final ProviderVersion version) {
        if (version == null) {
            byKey.remove(key);
            log.info("Version {} deleted: no longer probed", key);
            return;
        }
        byKey.put(key, ProbeTarget.of(version, openApiKey));
        log.info("Version {} configured at {}", key, version.getUrl());
    }

    Collection<ProbeTarget> all() {
        return List.copyOf(byKey.values());
    }
}
