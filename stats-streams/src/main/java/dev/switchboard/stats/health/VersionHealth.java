package dev.switchboard.stats.health;

import dev.switchboard.events.HealthEvent;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.Topics;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Every version's latest health as the probers publish it ({@code switchboard.provider-health}), held whole on every
 * instance (a global store, keyed {@code category/name/version}): the alert rules read it, and the canary judge,
 * which fails a step whose candidate the routers no longer send traffic to.
 */
public final class VersionHealth {

    public static final String STORE = "version-health";
    private static final String UNHEALTHY = "unhealthy";

    private VersionHealth() {
    }

    /** The global table, built once per topology. */
    public static void table(final StreamsBuilder builder) {
        builder.globalTable(Topics.PROVIDER_HEALTH, Consumed.with(Serdes.String(), EventSerdes.healthEvent()),
            Materialized.<String, HealthEvent, KeyValueStore<Bytes, byte[]>>as(STORE));
    }

    /**
     * Why routers send a version no traffic, when its health says they do not: the prober reports it unhealthy
     * (a v1 prober, which wrote no status, by {@code healthy} false). A degraded version still takes traffic.
     */
    public static Optional<String> outOfTraffic(final HealthEvent event) {
        if (event == null) {
            return Optional.empty();
        }
        final boolean unhealthy = event.getStatus() == null ? !event.getHealthy()
            : UNHEALTHY.equals(event.getStatus());
        if (!unhealthy) {
            return Optional.empty();
        }
        return Optional.of("prober " + event.getProberInstance() + " reports it unhealthy since " + event.getCheckedAt()
            + " (" + event.getConsecutiveFailures() + " failed probes in a row"
            + (event.getError() == null ? "" : ", last: " + event.getError()) + ")");
    }
}
