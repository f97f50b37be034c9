package dev.switchboard.stats;

import dev.switchboard.schemas.Topics;
import dev.switchboard.stats.daily.DailyStatsTopology;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.kafka.config.KafkaStreamsConfiguration;
import org.springframework.stereotype.Component;

/** One line at start-up saying what this instance reads, where it keeps state and where it answers. */
@Component
class StartupLog {

    private static final Logger log = LoggerFactory.getLogger(StartupLog.class);

    @EventListener
    void ready(final ApplicationReadyEvent event) {
        final var context = event.getApplicationContext();
        final var config = context.getBean(KafkaStreamsConfiguration.class).asProperties();
        final int port = context instanceof WebServerApplicationContext web ? web.getWebServer().getPort() : -1;
        log.info("Stats streams started on port {}: application {} reading {} from Kafka at {} with {}; store {} in {}",
            port, config.get(StreamsConfig.APPLICATION_ID_CONFIG), Topics.REQUEST_OUTCOMES,
            config.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG), config.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG),
            DailyStatsTopology.DAILY_STORE + " and " + DailyStatsTopology.MINUTE_STORE, config.get(StreamsConfig.STATE_DIR_CONFIG));
    }
}
