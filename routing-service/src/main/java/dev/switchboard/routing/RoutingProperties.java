package dev.switchboard.routing;

import dev.switchboard.routing.table.Provider;
import dev.switchboard.routing.table.ProviderType;
import dev.switchboard.routing.table.VersionConfig;
import dev.switchboard.schemas.VersionKey;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the routing service ({@code switchboard.routing.*}).
 *
 * @param instanceId      names this router in outcome events; a random one when blank
 * @param connectTimeout  how long to wait for an upstream connection
 * @param responseTimeout how long to wait for an upstream's response headers
 * @param outcomeBuffer   outcome events held in memory while Kafka is slow or down; beyond it they are dropped
 * @param providers       the providers and versions routed at start-up
 */
@ConfigurationProperties("switchboard.routing")
public record RoutingProperties(
    @DefaultValue("") String instanceId,
    @DefaultValue("5s") Duration connectTimeout,
    @DefaultValue("60s") Duration responseTimeout,
    @DefaultValue("10000") int outcomeBuffer,
    @DefaultValue List<ProviderSettings> providers) {

    public RoutingProperties {
        instanceId = instanceId.isBlank() ? "router-" + UUID.randomUUID().toString().substring(0, 8) : instanceId;
        if (outcomeBuffer < 1) {
            throw new IllegalArgumentException("switchboard.routing.outcome-buffer must be >= 1, got " + outcomeBuffer);
        }
    }

    /** One provider as written in YAML. */
    public record ProviderSettings(String category, String name, @DefaultValue("weight") String strategy,
                                   @DefaultValue List<VersionSettings> versions) {

        Provider toProvider() {
            return new Provider(category, name, strategy,
                versions.stream().map(v -> v.toVersion(category, name)).toList());
        }
    }

    /** One version as written in YAML, with the seed's field names. */
    public record VersionSettings(String version, @DefaultValue("openai") String type, String modelName, String url,
                                  @DefaultValue("0") int weight, @DefaultValue("true") boolean isActive,
                                  @DefaultValue("false") boolean isDefault,
                                  @DefaultValue Map<String, Object> parameters) {

        VersionConfig toVersion(final String category, final String name) {
            final VersionKey key = new VersionKey(category, name, version);
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException("version " + key + " needs a url");
            }
            return new VersionConfig(key, ProviderType.parse(type), modelName, URI.create(url), weight, isActive,
                isDefault, parameters);
        }
    }

    public List<Provider> routedProviders() {
        return providers.stream().map(ProviderSettings::toProvider).toList();
    }
}
