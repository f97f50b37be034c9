package dev.switchboard.routing.kafka;

import dev.switchboard.common.kafka.BoundedEventPublisher;
import dev.switchboard.events.RequestOutcome;
import dev.switchboard.events.ShadowComparison;
import dev.switchboard.routing.outcome.OutcomeRecorder;
import dev.switchboard.schemas.VersionKey;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends outcomes to {@code switchboard.request-outcomes}, keyed by version, and shadow comparisons to
 * {@code switchboard.shadow-comparisons}, keyed by baseline, each through its own bounded publisher.
 */
final class KafkaOutcomeRecorder implements OutcomeRecorder {

    private static final Logger log = LoggerFactory.getLogger(KafkaOutcomeRecorder.class);

    private final BoundedEventPublisher<RequestOutcome> publisher;
    private final BoundedEventPublisher<ShadowComparison> comparisons;

    KafkaOutcomeRecorder(final BoundedEventPublisher<RequestOutcome> publisher,
                         final BoundedEventPublisher<ShadowComparison> comparisons) {
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.comparisons = Objects.requireNonNull(comparisons, "comparisons");
    }

    @Override
    public void record(final RequestOutcome outcome) {
        final String key = new VersionKey(outcome.getCategory(), outcome.getName(), outcome.getVersion()).toString();
        if (!publisher.offer(key, outcome, outcome.getEventTime())) {
            log.debug("Outcome buffer full; dropped the outcome of request {}", outcome.getRequestId());
        }
    }

    /** Keyed by the baseline version, as stats-streams folds them. */
    @Override
    public void recordComparison(final ShadowComparison comparison) {
        final String key = new VersionKey(comparison.getCategory(), comparison.getName(),
            comparison.getBaselineVersion()).toString();
        if (!comparisons.offer(key, comparison, comparison.getEventTime())) {
            log.debug("Shadow comparison buffer full; dropped the comparison of request {}",
                comparison.getRequestId());
        }
    }
}
