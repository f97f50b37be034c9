package dev.switchboard.stats.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.streams.KafkaStreams;
import org.springframework.core.Ordered;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.config.StreamsBuilderFactoryBeanConfigurer;
import org.springframework.kafka.streams.KafkaStreamsMicrometerListener;

/**
 * Kafka Streams' meters on {@code /actuator/prometheus}, looked for again every {@link #REFRESH} rather than
 * Micrometer's minute. A task's meters (its dropped records among them) exist only from the rebalance that creates
 * the task, so at Micrometer's default they were missing for up to a minute after every start and rebalance. This
 * listener takes the place of the one Spring Boot adds, which it removes.
 */
final class PromptStreamsMetrics implements StreamsBuilderFactoryBeanConfigurer, AutoCloseable {

    static final Duration REFRESH = Duration.ofSeconds(10);

    private final MeterRegistry registry;
    private final ScheduledExecutorService refresh = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon().name("streams-metrics-refresh").factory());

    PromptStreamsMetrics(final MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void configure(final StreamsBuilderFactoryBean factory) {
        List.copyOf(factory.getListeners()).stream().filter(KafkaStreamsMicrometerListener.class::isInstance)
            .forEach(factory::removeListener);
        factory.addListener(new KafkaStreamsMicrometerListener(registry) {
            @Override
            protected MeterBinder createClientMetrics(final KafkaStreams streams, final List<Tag> tags) {
                return new KafkaStreamsMetrics(streams, tags, refresh, REFRESH);
            }
        });
    }

    /** After Spring Boot's configurer, whose listener this one replaces. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public void close() {
        refresh.shutdownNow();
    }
}
