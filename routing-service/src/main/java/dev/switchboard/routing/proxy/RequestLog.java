package dev.switchboard.routing.proxy;

import dev.switchboard.events.OutcomeStatus;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.SignalType;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The request log: one line per client request that named a provider, with its request id, provider, version,
 * attempts, the status the client got and the last attempt's outcome, as key-value pairs too, so that structured
 * (JSON) logs carry them as fields. {@code logging.level.switchboard.requests=warn} turns it off. Written from a
 * background thread ({@link AsyncRequestLog}).
 */
final class RequestLog {

    static final String LOGGER = "switchboard.requests";
    private static final Logger requests = LoggerFactory.getLogger(LOGGER);

    private RequestLog() {
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

    static void write(final Exchange exchange, final HttpServerResponse response, final SignalType signal) {
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
        final String provider = exchange.plan.current().id();
        requests.atInfo()
            .addKeyValue("request_id", exchange.requestId)
            .addKeyValue("provider", provider)
            .addKeyValue("version", version)
            .addKeyValue("attempts", exchange.plan.attempts())
            .addKeyValue("status", status)
            .addKeyValue("outcome", outcome)
            .addKeyValue("duration_ms", millis)
            .log("{} {} {} {} {} after {} attempt(s) in {} ms", exchange.requestId, provider, version, status,
                outcome, exchange.plan.attempts(), millis);
    }
}
