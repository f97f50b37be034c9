package dev.switchboard.routing.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

class RequestLogTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger(RequestLog.LOGGER);
    private final ListAppender<ILoggingEvent> written = new ListAppender<>();
    private final RequestLog log = new RequestLog();

    @BeforeEach
    void listen() {
        written.start();
        logger.addAppender(written);
    }

    @AfterEach
    void stop() {
        log.close();
        logger.detachAppender(written);
    }

    @Test
    void shouldWriteEachRequestsLineWithItsFieldsFromTheWritersThread() {
        log.queue(new RequestLog.Line("req-1", "LLM/OllamaLLM", "v2", 2, 200, "SUCCESS", 41));

        await().atMost(Duration.ofSeconds(5)).until(() -> written.list.size() == 1);
        final ILoggingEvent line = written.list.getFirst();
        assertThat(line.getFormattedMessage())
            .isEqualTo("req-1 LLM/OllamaLLM v2 200 SUCCESS after 2 attempt(s) in 41 ms");
        assertThat(line.getThreadName()).isEqualTo("request-log");
        assertThat(line.getKeyValuePairs().stream().collect(Collectors.toMap(p -> p.key, p -> String.valueOf(p.value))))
            .isEqualTo(Map.of("request_id", "req-1", "provider", "LLM/OllamaLLM", "version", "v2", "attempts", "2",
                "status", "200", "outcome", "SUCCESS", "duration_ms", "41"));
    }

    @Test
    void shouldWriteTheLinesStillQueuedWhenClosedAndCountLaterOnesAsDropped() {
        for (int i = 0; i < 1_000; i++) {
            log.queue(new RequestLog.Line("req-" + i, "LLM/OllamaLLM", "v1", 1, 200, "SUCCESS", 1));
        }
        log.close();

        assertThat(written.list).hasSize(1_000);
        assertThat(written.list.getLast().getKeyValuePairs()).contains(new KeyValuePair("request_id", "req-999"));
        log.queue(new RequestLog.Line("late", "LLM/OllamaLLM", "v1", 1, 200, "SUCCESS", 1));
        assertThat(log.dropped()).isEqualTo(1);
    }
}
