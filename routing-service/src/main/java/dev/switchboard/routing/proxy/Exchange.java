package dev.switchboard.routing.proxy;

import dev.switchboard.routing.failover.FailoverPlan;
import dev.switchboard.routing.outcome.Attempt;
import io.netty.channel.Channel;
import java.time.Instant;

/** One client request across its attempts; touched by one callback at a time (its event loop's). */
final class Exchange {

    final ApiRequest request;
    final String requestId;
    final Instant deadline;
    final Channel client;
    /** Where the request goes next: the versions tried, the fallback providers used, the attempts made. */
    final FailoverPlan plan;
    /** The failure of the last attempt: the client's answer if no other attempt does better. */
    FrontDoorException lastFailure;
    /** The answer the client got (a stream's events as sent), kept only when the provider mirrors to a shadow. */
    byte[] answer;
    /** When the front door took the request, and how long its attempts waited on upstreams: the overhead. */
    final long startedNanos = System.nanoTime();
    long upstreamNanos;
    /** The last attempt, for the request log, and the status of the error the client gets, if it gets one. */
    Attempt lastAttempt;
    int errorStatus;

    Exchange(final ApiRequest request, final String requestId, final Instant deadline, final Channel client,
             final FailoverPlan plan) {
        this.request = request;
        this.requestId = requestId;
        this.deadline = deadline;
        this.client = client;
        this.plan = plan;
    }
}
