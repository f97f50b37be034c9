package dev.switchboard.prober.kafka;

import dev.switchboard.common.kafka.CompactedTopicView;
import dev.switchboard.events.HealthCheckConfig;
import dev.switchboard.prober.health.HealthCheckPolicy;
import dev.switchboard.schemas.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The health-check policy every prober follows, kept as the latest event of the compacted health-check-config
 * topic: each prober and each restart reads the same one. Until anyone has written one, the defaults from the
 * prober's own settings apply.
 */
public final class HealthCheckConfigStore {

    public static final String KEY = "health-check";

    /** The policy in force and where it came from. */
    public record Current(HealthCheckPolicy policy, Optional<Instant> updatedAt, Optional<String> updatedBy) {
    }

    private final CompactedTopicView<HealthCheckConfig> view;
    private final Producer<String, HealthCheckConfig> producer;
    private final HealthCheckPolicy defaults;
    private final Clock clock;
    private final Duration timeout;

    public HealthCheckConfigStore(final CompactedTopicView<HealthCheckConfig> view,
                                  final Producer<String, HealthCheckConfig> producer,
                                  final HealthCheckPolicy defaults, final Clock clock, final Duration timeout) {
        this.view = view;
        this.producer = producer;
        this.defaults = defaults;
        this.clock = clock;
        this.timeout = timeout;
    }

    public HealthCheckPolicy policy() {
        return current().policy();
    }

    public Current current() {
        final HealthCheckConfig config = view.get(KEY).orElse(null);
        if (config == null) {
            return new Current(defaults, Optional.empty(), Optional.empty());
        }
        return new Current(new HealthCheckPolicy(config.getEnabled(), Duration.ofSeconds(config.getIntervalSeconds()),
            config.getMaxErrorCount(), Duration.ofSeconds(config.getRetryAfterSeconds())),
            Optional.of(config.getUpdatedAt()), Optional.of(config.getUpdatedBy()));
    }

    /**
     * Writes a new policy and waits until this prober reads it back, so the next read sees it.
     *
     * @throws HealthConfigUnavailableException when Kafka did not take the change in time
     */
    public Current write(final HealthCheckPolicy policy, final String actor) {
        final HealthCheckConfig config = HealthCheckConfig.newBuilder()
            .setEnabled(policy.enabled())
            .setIntervalSeconds(policy.interval().toSeconds())
            .setMaxErrorCount(policy.maxErrorCount())
            .setRetryAfterSeconds(policy.retryAfter().toSeconds())
            .setUpdatedAt(clock.instant())
            .setUpdatedBy(actor)
            .build();
        try {
            final RecordMetadata written = producer.send(new ProducerRecord<>(Topics.HEALTH_CHECK_CONFIG, KEY, config))
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!view.awaitPositions(Map.of(new TopicPartition(written.topic(), written.partition()),
                    written.offset() + 1), timeout)) {
                throw new HealthConfigUnavailableException("The change was written but not read back within "
                    + timeout + "; it takes effect once the probers read it");
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new HealthConfigUnavailableException("Kafka did not take the change within " + timeout
                + "; nothing was changed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HealthConfigUnavailableException("Interrupted while writing the change");
        }
        return current();
    }

    /** Kafka did not take a change in time. */
    public static final class HealthConfigUnavailableException extends RuntimeException {
        HealthConfigUnavailableException(final String message) {
            super(message);
        }
    }
}
