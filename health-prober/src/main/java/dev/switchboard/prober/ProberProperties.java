package dev.switchboard.prober;

import java.time.Duration;
import java.util.UUID;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the health prober ({@code switchboard.prober.*}).
 *
 * @param interval     time between two probes of one version
 * @param probeTimeout how long one probe may take before it counts as failed
 * @param instanceId   names this prober in health events; a random one when blank
 * @param adminToken   bearer token of {@code /api/*}
 * @param secretsKey   {@code SWITCHBOARD_SECRETS_KEY}, to open the api keys sealed in config events
 */
@ConfigurationProperties("switchboard.prober")
public record ProberProperties(
    @DefaultValue("30s") Duration interval,
    @DefaultValue("10s") Duration probeTimeout,
    @DefaultValue("") String instanceId,
    String adminToken,
    String secretsKey) {

    public ProberProperties {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("switchboard.prober.interval must be positive, got " + interval);
        }
        instanceId = instanceId.isBlank() ? "prober-" + UUID.randomUUID().toString().substring(0, 8) : instanceId;
    }
}
