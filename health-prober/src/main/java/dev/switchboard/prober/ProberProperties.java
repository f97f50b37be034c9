package dev.switchboard.prober;

import dev.switchboard.prober.health.HealthCheckPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the health prober ({@code switchboard.prober.*}).
 *
 * @param interval       time between two probes of a healthy version, until the health-check config says otherwise
 * @param maxErrorCount  failed probes in a row that make a version unhealthy, likewise
 * @param retryAfter     how long an unhealthy version waits for its next probe, likewise
 * @param enabled        whether probing runs, likewise
 * @param probeTimeout   how long one probe may take before it counts as failed
 * @param instanceId     names this prober in health events and in the probing group; a random one when blank
 * @param groupId        the consumer group the probers share the versions through
 * @param sessionTimeout how long a silent prober keeps its versions before the others take them over
 * @param statsUrl       stats-streams, for the last day's traffic of each version
 * @param adminToken     the shared bearer token of {@code /api/*} ({@code SWITCHBOARD_ADMIN_TOKEN}), every role
 * @param adminTokens       named tokens with a role each ({@code SWITCHBOARD_ADMIN_TOKENS}: {@code name:role:token,...})
 * @param secretsKey     {@code SWITCHBOARD_SECRETS_KEY}, to open the api keys sealed in config events
 */
@ConfigurationProperties("switchboard.prober")
record ProberProperties(
    @DefaultValue("5m") Duration interval,
    @DefaultValue("5") int maxErrorCount,
    @DefaultValue("1h") Duration retryAfter,
    @DefaultValue("true") boolean enabled,
    @DefaultValue("10s") Duration probeTimeout,
    @DefaultValue("") String instanceId,
    @DefaultValue("switchboard-health-prober") String groupId,
    @DefaultValue("10s") Duration sessionTimeout,
    @DefaultValue("http://localhost:8081") URI statsUrl,
    String adminToken,
    String adminTokens,
    String secretsKey) {

    public ProberProperties {
        instanceId = instanceId.isBlank() ? "prober-" + UUID.randomUUID().toString().substring(0, 8) : instanceId;
        if (probeTimeout.isNegative() || probeTimeout.isZero()) {
            throw new IllegalArgumentException("switchboard.prober.probe-timeout must be positive, got "
                + probeTimeout);
        }
        defaultPolicy(enabled, interval, maxErrorCount, retryAfter); // fails at start-up on a bad default
    }

    /** The policy in force while no one has written a health-check config. */
    public HealthCheckPolicy defaultPolicy() {
        return defaultPolicy(enabled, interval, maxErrorCount, retryAfter);
    }

    private static HealthCheckPolicy defaultPolicy(final boolean enabled, final Duration interval,
                                                   final int maxErrorCount, final Duration retryAfter) {
        try {
            return new HealthCheckPolicy(enabled, interval, maxErrorCount, retryAfter);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("switchboard.prober: " + e.getMessage(), e);
        }
    }
}
