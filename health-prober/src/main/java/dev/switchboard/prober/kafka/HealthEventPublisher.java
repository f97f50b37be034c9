package dev.switchboard.prober.kafka;

import dev.switchboard.common.kafka.BoundedEventPublisher;
import dev.switchboard.events.HealthEvent;
import dev.switchboard.prober.schedule.HealthReport;

/** Publishes each health report as an event keyed by its version; never blocks the probe that made it. */
public final class HealthEventPublisher {

    private final BoundedEventPublisher<HealthEvent> publisher;
    private final String proberInstance;

    public HealthEventPublisher(final BoundedEventPublisher<HealthEvent> publisher, final String proberInstance) {
        this.publisher = publisher;
        this.proberInstance = proberInstance;
    }

    public void publish(final HealthReport report) {
        final HealthEvent event = HealthEvents.toEvent(report, proberInstance);
        publisher.offer(report.version().toString(), event, event.getCheckedAt());
    }
}
