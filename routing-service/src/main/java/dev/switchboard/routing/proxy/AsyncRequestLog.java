package dev.switchboard.routing.proxy;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;

/**
 * Writes the request log ({@link RequestLog}) from a background thread, through the root logger's appenders, so a
 * request's line costs its event loop a place in a queue rather than formatting and a write under the console's lock:
 * written in line, it took a fifth of the router's throughput (bench/router, 64 connections). The queue holds
 * {@value #QUEUE} lines; should the writer fall that far behind, lines are dropped rather than clients slowed, as
 * outcome events are. Lines still queued at shutdown are written when Spring Boot stops the logging system. Under
 * another SLF4J binding than Logback the request log is left as it is.
 */
public final class AsyncRequestLog implements InitializingBean {

    private static final String APPENDER = "SWITCHBOARD_REQUESTS_ASYNC";
    private static final int QUEUE = 16_384;

    /**
     * Hands each line to the root logger's appenders as they are when it is written, not as they were when the
     * router started: Spring Boot may configure them again (another application in the same JVM, a test), and a
     * copy of the old ones would write to stopped appenders.
     */
    private static final class ToRoot extends AppenderBase<ILoggingEvent> {

        private final Logger root;

        ToRoot(final Logger root) {
            this.root = root;
        }

        @Override
        protected void append(final ILoggingEvent line) {
            root.callAppenders(line);
        }
    }

    @Override
    public void afterPropertiesSet() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        final Logger requests = context.getLogger(RequestLog.LOGGER);
        if (requests.getAppender(APPENDER) != null) {
            return; // another router in this JVM (tests) did it already
        }
        final AsyncAppender async = new AsyncAppender();
        async.setContext(context);
        async.setName(APPENDER);
        async.setQueueSize(QUEUE);
        async.setDiscardingThreshold(0); // no line is worth less than another: drop only when the queue is full
        async.setNeverBlock(true);
        final ToRoot toRoot = new ToRoot(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME));
        toRoot.setContext(context);
        toRoot.start();
        async.addAppender(toRoot);
        async.start();
        requests.addAppender(async);
        requests.setAdditive(false);
    }
}
