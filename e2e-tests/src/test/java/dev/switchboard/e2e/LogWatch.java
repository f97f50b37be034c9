package dev.switchboard.e2e;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * Every log line of the services in this JVM (their message, arguments and causes), keeping those that hold a text
 * that must never be logged. Start it after the services have started: each start sets Logback up anew, dropping
 * appenders added before.
 */
final class LogWatch extends AppenderBase<ILoggingEvent> {

    private final String needle;
    private final @Nullable String ignoredLoggers;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final AtomicLong seen = new AtomicLong();

    /** @param ignoredLoggers a logger name prefix left out, such as a test's stand-in provider's */
    LogWatch(final String needle, final @Nullable String ignoredLoggers) {
        this.needle = needle;
        this.ignoredLoggers = ignoredLoggers;
    }

    /** Watching every logger. */
    LogWatch(final String needle) {
        this(needle, null);
    }

    @Override
    public void start() {
        setName("log-watch");
        setContext((LoggerContext) LoggerFactory.getILoggerFactory());
        super.start();
        root().addAppender(this);
    }

    @Override
    public void stop() {
        root().detachAppender(this);
        super.stop();
    }

    @Override
    protected void append(final ILoggingEvent event) {
        if (ignoredLoggers != null && event.getLoggerName().startsWith(ignoredLoggers)) {
            return;
        }
        seen.incrementAndGet();
        final StringBuilder text = new StringBuilder(event.getFormattedMessage());
        Arrays.stream(event.getArgumentArray() == null ? new Object[0] : event.getArgumentArray())
            .forEach(argument -> text.append(' ').append(argument));
        for (IThrowableProxy cause = event.getThrowableProxy(); cause != null; cause = cause.getCause()) {
            text.append(' ').append(cause.getMessage());
        }
        if (text.indexOf(needle) >= 0) {
            lines.add(event.getLoggerName() + ": " + text);
        }
    }

    /** How many lines were watched. */
    long seen() {
        return seen.get();
    }

    /** The lines holding the needle. */
    List<String> lines() {
        return List.copyOf(lines);
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
