package dev.switchboard.prober;

import dev.switchboard.common.kafka.CompactedTopicView;
import dev.switchboard.events.ProviderVersion;
import dev.switchboard.prober.probe.ProbeTarget;
import dev.switchboard.schemas.TypeEndpoints;
import dev.switchboard.schemas.VersionKey;
import java.net.URI;
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
    private final TypeEndpoints typeEndpoints;
    private final BiFunction<VersionKey, String, Optional<String>> openApiKey;

    /**
     * @param typeEndpoints where versions without a url are called, as the routers have it
     * @param openApiKey    opens the sealed {@code api_key} of a version, or gives empty
     */
    ProbeTargets(final TypeEndpoints typeEndpoints, final BiFunction<VersionKey, String, Optional<String>> openApiKey) {
        this.typeEndpoints = typeEndpoints;
        this.openApiKey = openApiKey;
    }

    @Override
    public void onChange(final String key, final ProviderVersion version) {
        if (version == null) {
            byKey.remove(key);
            log.info("Version {} deleted: no longer probed", key);
            return;
        }
        final Optional<URI> url = Optional.ofNullable(version.getUrl()).map(URI::create)
            .or(() -> typeEndpoints.of(version.getType()));
        if (url.isEmpty()) {
            byKey.remove(key);
            log.warn("Version {} has no url and no endpoint is configured for its type '{}' ({}): not probed, and not "
                + "routed", key, version.getType(), TypeEndpoints.setting(version.getType()));
            return;
        }
        byKey.put(key, ProbeTarget.of(version, url.get(), openApiKey));
        log.info("Version {} configured at {}", key, url.get());
    }

    Collection<ProbeTarget> all() {
        return List.copyOf(byKey.values());
    }
}
