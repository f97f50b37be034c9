package dev.switchboard.routing.proxy;

/**
 * Which client calls upstreams for plain (not streamed) answers. Streams always go through Reactor Netty's client.
 */
public enum PlainAnswerClient {
    /** {@link BufferedUpstream}: a lean Netty client made for whole answers; the default. */
    LEAN,
    /**
     * Reactor Netty's client, as streams use: one client for both. A quarter less throughput on 2 cores (0.76 of
     * the lean client's, {@code BENCH_PARTS=clients bench/router/run.sh}), which would take the router below half
     * of nginx; kept as the fallback should the lean client misbehave.
     */
    REACTOR
}
