package dev.switchboard.prober.kafka;

import dev.switchboard.common.kafka.CompactedTopicView;
import dev.switchboard.events.HealthEvent;
import dev.switchboard.prober.health.VersionHealth;
import dev.switchboard.schemas.VersionKey;
import java.util.Optional;

/** The latest health every prober published, per version, as read back from the provider-health topic. */
public final class PublishedHealth {

    /** A version's published state and the score it was published with. */
    public record Published(VersionHealth health, double score) {
    }

    private final CompactedTopicView<HealthEvent> view;

    public PublishedHealth(final CompactedTopicView<HealthEvent> view) {
        this.view = view;
    }

    public Optional<Published> of(final VersionKey version) {
        return view.get(version.toString())
            .map(event -> {
                final VersionHealth health = HealthEvents.toHealth(event);
                return new Published(health, event.getHealthScore() != null ? event.getHealthScore()
                    : health.score(Optional.empty()));
            });
    }

    public Optional<VersionHealth> state(final VersionKey version) {
        return of(version).map(Published::health);
    }
}
