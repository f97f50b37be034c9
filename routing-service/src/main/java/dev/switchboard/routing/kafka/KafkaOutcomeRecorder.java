package dev.switchboard.routing.kafka;

import dev.switchboard.common.kafka.BoundedEventPublisher;
import dev.switchboard.events.RequestOutcome;
import dev.switchboard.routing.outcome.OutcomeRecorder;
import dev.switchboard.schemas.VersionKey;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends outcomes to {@code switchboard.request-outcomes}, keyed by version, through the bounded publisher. */
final class KafkaOutcomeRecorder implements OutcomeRecorder {

    private static final Logger log = LoggerFactory.getLogger(KafkaOutcomeRecorder.class);

    private final BoundedEventPublisher<RequestOutcome> publisher;

    KafkaOutcomeRecorder(final BoundedEventPublisher<RequestOutcome> publisher) {
        this.publisher = Objects.requireNonNull(publisher, "publisher");
    }

    @Override
    public void record(final RequestOutcome outcome) {
        final String key = new VersionKey(outcome.getCategory(), outcome.getName(), outcome.getVersion()).toString();
        if (!publisher.offer(key, outcome, outcome.getEventTime())) {
            log.debug("Outcome buffer full; dropped the outcome of request {}", outcome.getRequestId());
        }
    }
}
