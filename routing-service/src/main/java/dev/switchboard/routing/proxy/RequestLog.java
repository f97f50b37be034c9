package dev.switchboard.routing.proxy;

import dev.switchboard.events.OutcomeStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.SignalType;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The request log: one line per client request that named a provider, with its request id, provider, version,
 * attempts, the status the client got and the last attempt's outcome, as key-value pairs too, so that structured
 * (JSON) logs carry them as fields. {@code logging.level.switchboard.requests=warn} turns it off.
 *
 * <p>The event loop only queues the line's values; a writer thread of its own makes the log event and writes it,
 * so the line costs the request neither formatting nor a write under the console's lock (in line, the log took a
 * fifth of the router's throughput). The writer is never woken by a line: when the queue is empty it rests
 * {@link #IDLE_PAUSE} and then writes whatever came meanwhile. Woken per line (as Logback's {@code AsyncAppender}
 * does), it had cost a thread switch on almost every request, 8,000 a second at 12,000 requests a second on 2 cores.
 * A line is written up to that pause after its request ended; its {@code duration_ms} is the request's own. Should
 * the writer fall {@value #CAPACITY} lines behind, lines are dropped and counted rather than clients slowed.
 */
public final class RequestLog implements MeterBinder, AutoCloseable {

    static final String LOGGER = "switchboard.requests";
    static final int CAPACITY = 16_384;
    static final Duration IDLE_PAUSE = Duration.ofMillis(10);
    private static final int BATCH = 1_024;
    private static final Logger requests = LoggerFactory.getLogger(LOGGER);

    /** What a line says, taken on the event loop: plain values, so the writer never touches the live exchange. */
    record Line(String requestId, String provider, String version, int attempts, int status, String outcome,
                        long millis) {
    }

    private final BlockingQueue<Line> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final LongAdder dropped = new LongAdder();
    private final Thread writer;
    private volatile boolean closing;

    public RequestLog() {
        this.writer = Thread.ofPlatform().daemon().name("request-log").start(this::writeQueued);
    }

    /**
     * A random (version 4) UUID drawn from a thread-local generator: a request id needs to be unique, not
     * unguessable, and {@link UUID#randomUUID()}'s shared secure generator would be contended on every request.
     */
    static String newRequestId() {
        final ThreadLocalRandom random = ThreadLocalRandom.current();
        final long high = random.nextLong() & ~0xF000L | 0x4000L;
        final long low = random.nextLong() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L;
        return "req-" + new UUID(high, low);
    }

    /** Queues the request's line; called once per request, on its event loop, when its answer is done. */
    void write(final Exchange exchange, final HttpServerResponse response, final SignalType signal) {
        if (!requests.isInfoEnabled()) {
            return;
        }
        final int status = signal == SignalType.CANCEL ? 499
            : exchange.errorStatus != 0 ? exchange.errorStatus : response.status().code();
        final String version = exchange.lastAttempt == null ? "-" : exchange.lastAttempt.version().version();
        // A cancelled attempt is marked so after this runs: the client's going away is the outcome then.
        final String outcome = signal == SignalType.CANCEL ? OutcomeStatus.CANCELLED.name()
            : exchange.lastAttempt == null ? "NO_ATTEMPT" : exchange.lastAttempt.status().name();
        final long millis = (System.nanoTime() - exchange.startedNanos) / 1_000_000;
        queue(new Line(exchange.requestId, exchange.plan.current().id(), version, exchange.plan.attempts(), status,
            outcome, millis));
    }

    void queue(final Line line) {
        if (closing || !queue.offer(line)) {
            dropped.increment();
        }
    }

    /** Takes the queued lines a batch at a time: one turn of the queue's lock for many lines, not one per line. */
    private void writeQueued() {
        final List<Line> batch = new ArrayList<>(BATCH);
        while (!closing || !queue.isEmpty()) {
            if (queue.drainTo(batch, BATCH) > 0) {
                batch.forEach(RequestLog::log);
                batch.clear();
            } else if (!closing) {
                LockSupport.parkNanos(IDLE_PAUSE.toNanos());
            }
        }
    }

    /** The message is put together here rather than from a pattern: SLF4J's placeholders took a quarter of it. */
    private static void log(final Line line) {
        requests.atInfo()
            .addKeyValue("request_id", line.requestId())
            .addKeyValue("provider", line.provider())
            .addKeyValue("version", line.version())
            .addKeyValue("attempts", line.attempts())
            .addKeyValue("status", line.status())
            .addKeyValue("outcome", line.outcome())
            .addKeyValue("duration_ms", line.millis())
            .log(line.requestId() + ' ' + line.provider() + ' ' + line.version() + ' ' + line.status() + ' '
                + line.outcome() + " after " + line.attempts() + " attempt(s) in " + line.millis() + " ms");
    }

    /** Lines not written because the writer had fallen {@value #CAPACITY} behind, or came after shutdown. */
    public long dropped() {
        return dropped.sum();
    }

    @Override
    public void bindTo(final MeterRegistry registry) {
        FunctionCounter.builder("switchboard.request.log.dropped", dropped, LongAdder::sum)
            .description("Request-log lines dropped: the log's writer had fallen behind, or the router was stopping")
            .register(registry);
    }

    /** Writes the lines still queued (for up to 5 s), then stops the writer. */
    @Override
    public void close() {
        closing = true;
        LockSupport.unpark(writer);
        try {
            writer.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
