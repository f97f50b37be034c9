package dev.switchboard.routing.proxy;

import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.events.RequestOutcome;
import dev.switchboard.routing.failover.FailoverPlan;
import dev.switchboard.routing.failover.RetryBudget;
import dev.switchboard.routing.health.OutlierDetector;
import dev.switchboard.routing.outcome.Attempt;
import dev.switchboard.routing.outcome.OutcomeRecorder;
import dev.switchboard.routing.shadow.ShadowMirroring;
import dev.switchboard.routing.strategy.Selection;
import dev.switchboard.routing.strategy.TrafficCounters;
import dev.switchboard.routing.strategy.VersionSelector;
import dev.switchboard.routing.table.Endpoints;
import dev.switchboard.routing.table.Provider;
import dev.switchboard.routing.table.RoutingTable;
import dev.switchboard.routing.table.VersionConfig;
import dev.switchboard.schemas.VersionKey;
import io.netty.channel.Channel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Serves one API request (chat completion, embedding, speech): finds the provider (and the version the client
 * pinned, if it did), sends attempts where the request's {@link FailoverPlan} says until one serves it or the plan
 * gives up, and records each attempt's outcome. The {@link AnswerRelay} calls the version and relays its answer;
 * {@link ShadowMirroring} mirrors a served request to the provider's shadow candidate.
 *
 * <p>Nothing here blocks: a request runs on the event loop that accepted it, as a chain of callbacks that run one
 * after another, so its {@link Exchange} needs no locking.
 */
public final class ProviderProxy implements AutoCloseable {

    /** The version that served the answer, on every answer. */
    public static final String VERSION_HEADER = "X-Switchboard-Version";
    /**
     * On a request, the version the client pins (as {@code "model": "OllamaLLM@v2"} does): the request goes to it
     * and to no other, whatever the split, an experiment or a rollout would choose, and no failover moves it.
     */
    public static final String PIN_HEADER = VERSION_HEADER;
    public static final String ATTEMPTS_HEADER = "X-Switchboard-Attempts";
    public static final String EXPERIMENT_HEADER = "X-Switchboard-Experiment";
    public static final String ARM_HEADER = "X-Switchboard-Arm";
    public static final String REQUEST_ID_HEADER = "X-Request-Id";

    private static final Logger log = LoggerFactory.getLogger(ProviderProxy.class);

    /** Collaborators of the proxy, grouped so its constructor stays readable. */
    public record Parts(Supplier<RoutingTable> table, VersionSelector selector, OutlierDetector outliers,
                        RetryBudget retryBudget, TrafficCounters counters, OutcomeRecorder recorder,
                        OverheadRecorder overhead, RequestLog requestLog, ObjectMapper json, Clock clock,
                        Endpoints endpoints) {
    }

    /**
     * @param requestDeadline   the longest a client request may take across all its attempts
     * @param maxAnswerBytes    the largest plain (not streamed) answer taken from an upstream
     * @param shadowMaxInFlight shadow calls (seed 003) in flight at most; beyond it requests are not mirrored
     * @param plainAnswerClient which client calls upstreams for plain answers
     */
    public record Settings(Duration connectTimeout, Duration responseTimeout, Duration requestDeadline,
                           int maxConnectionsPerUpstream, int maxAnswerBytes, String instanceId,
                           int shadowMaxInFlight, PlainAnswerClient plainAnswerClient) {
    }

    private final Parts parts;
    private final Settings settings;
    private final UpstreamClient upstream;
    private final AnswerRelay relay;
    private final ModelTargets targets;
    private final FailoverPlan.Limits failover;
    private final ShadowMirroring shadows;

    /**
     * The JSON mapper of the request path: plain defaults, with buffers recycled per thread rather than through a
     * shared queue, since the event loops that use it are few and long-lived.
     */
    public static ObjectMapper hotPathJson() {
        return JsonMapper.builder(JsonFactory.builder().recyclerPool(JsonRecyclerPools.threadLocalPool()).build())
            .build();
    }

    /** @param eventLoops how many event loops the front door runs on; upstream calls run on the same ones */
    public ProviderProxy(final Parts parts, final Settings settings, final int eventLoops) {
        this.parts = parts;
        this.settings = settings;
        this.upstream = new UpstreamClient(eventLoops, settings.connectTimeout(), settings.responseTimeout(),
            settings.maxConnectionsPerUpstream(), settings.maxAnswerBytes(), parts.endpoints(),
            settings.plainAnswerClient());
        this.relay = new AnswerRelay(upstream, parts.json(), parts.clock());
        this.targets = new ModelTargets(parts.table(), parts.endpoints());
        this.failover = new FailoverPlan.Limits(parts.selector(), targets::byId, parts.retryBudget(), parts.clock());
        this.shadows = new ShadowMirroring(new ShadowMirroring.Settings(settings.shadowMaxInFlight(), parts.clock(),
            settings.instanceId(), answer -> AnswerText.of(answer, parts.json()),
            () -> ThreadLocalRandom.current().nextDouble(100)), parts.recorder());
    }

    /**
     * Serves {@code request} into {@code response}. Completes when the answer has been relayed; fails with a
     * {@link FrontDoorException} when no attempt could be served and nothing was sent yet.
     */
    public Mono<Void> handle(final ApiRequest request, final Optional<String> sessionId,
                             final Optional<String> pinHeader, final HttpServerResponse response) {
        final ModelTargets.Target target = targets.target(request.model(),
            pinHeader.filter(pin -> !pin.isBlank()).map(String::strip));
        final String requestId = RequestLog.newRequestId();
        final Instant deadline = parts.clock().instant().plus(settings.requestDeadline());
        final FailoverPlan plan = new FailoverPlan(failover, target.provider(), target.pinned(),
            sessionId.filter(s -> !s.isBlank()).or(request::user), deadline);
        final Exchange exchange = new Exchange(request, requestId, deadline, channelOf(response), plan);
        response.header(REQUEST_ID_HEADER, requestId);
        return run(exchange, plan.first(), response)
            .doOnError(FrontDoorException.class, failure -> exchange.errorStatus = failure.status())
            .doFinally(signal -> {
                if (exchange.lastAttempt != null) {
                    parts.overhead().record(exchange.lastAttempt.version().key(),
                        Math.max(0, System.nanoTime() - exchange.startedNanos - exchange.upstreamNanos));
                }
                parts.requestLog().write(exchange, response, signal);
            });
    }

    /** Takes the plan's step: an attempt, and after a failure the plan's next step; or the answer it gave up with. */
    private Mono<Void> run(final Exchange exchange, final FailoverPlan.Step step, final HttpServerResponse response) {
        return switch (step) {
            case FailoverPlan.Step.GiveUp giveUp -> Mono.error(exchange.lastFailure != null ? exchange.lastFailure
                : FrontDoorException.noRoutableVersion(giveUp.why()));
            case FailoverPlan.Step.Attempt next -> attempt(exchange, next.chosen(), response).flatMap(result ->
                switch (result) {
                    case AnswerRelay.Result.Served served -> Mono.empty();
                    case AnswerRelay.Result.Failed failed -> {
                        final VersionKey version = next.chosen().version().key();
                        exchange.lastFailure = failed.error();
                        log.debug("Request {} failed on {}: {}", exchange.requestId, version,
                            failed.error().getMessage());
                        yield run(exchange, exchange.plan.afterFailure(version), response);
                    }
                });
        };
    }

    private Mono<AnswerRelay.Result> attempt(final Exchange exchange, final Selection.Chosen chosen,
                                             final HttpServerResponse response) {
        final VersionConfig version = chosen.version();
        response.header(VERSION_HEADER, version.version());
        response.header(ATTEMPTS_HEADER, Integer.toString(exchange.plan.attempts()));
        if (chosen.experiment() != null) {
            response.header(EXPERIMENT_HEADER, chosen.experiment());
            response.header(ARM_HEADER, chosen.arm());
        }
        final Attempt attempt = new Attempt(parts.clock(), exchange.requestId, chosen, exchange.plan.attempts(),
            exchange.request.stream(), settings.instanceId());
        attempt.inputCharacters(exchange.request.inputCharacters());
        exchange.lastAttempt = attempt;
        parts.counters().started(version.key());
        // The attempt is over when its result comes, and is recorded then: what follows it (a failover, or the
        // error relayed to the client) may cancel this chain, which must not turn its failure into a cancel.
        return relay.forward(exchange, attempt, response)
            .doOnNext(result -> {
                judge(attempt);
                shadows.afterServed(exchange.plan.current(), finish(attempt), exchange.answer,
                    relay.toShadow(exchange, settings.responseTimeout()));
            })
            .doFinally(signal -> {
                if (!attempt.isFinished()) { // no result: the client left, or the attempt failed unexpectedly
                    if (signal == SignalType.CANCEL) {
                        attempt.failed(OutcomeStatus.CANCELLED, "client_disconnected");
                    }
                    finish(attempt);
                }
            });
    }

    private RequestOutcome finish(final Attempt attempt) {
        parts.counters().finished(attempt.version().key());
        final RequestOutcome outcome = attempt.finish();
        parts.recorder().record(outcome);
        return outcome;
    }

    /** Passive health: the outlier detector hears of every attempt the version is to blame for, and every success. */
    private void judge(final Attempt attempt) {
        final VersionKey key = attempt.version().key();
        if (attempt.versionFailed()) {
            final Duration ejected = parts.outliers().recordFailure(key);
            if (!ejected.isZero()) {
                log.warn("Version {} ejected for {} after consecutive failures", key, ejected);
            }
        } else {
            parts.outliers().recordSuccess(key);
        }
    }

    /** The providers clients may call now: what {@code GET /v1/models} lists. */
    public Collection<Provider> providers() {
        return parts.table().get().providers();
    }

    /**
     * The provider a client's {@code model} names ({@code category/name}, or a name unique across categories).
     *
     * @throws FrontDoorException 404 for an unknown model, 400 for an ambiguous one
     */
    public Provider resolve(final String model) {
        return targets.resolve(model);
    }

    /** The client's connection: the upstream call runs on its event loop too. */
    private static Channel channelOf(final HttpServerResponse response) {
        final AtomicReference<Channel> channel = new AtomicReference<>();
        response.withConnection(connection -> channel.set(connection.channel()));
        return channel.get();
    }

    /** Shadow calls started, and requests not mirrored because the shadow limit was reached, since start. */
    public long shadowCallsStarted() {
        return shadows.started();
    }

    public long shadowCallsSkipped() {
        return shadows.skipped();
    }

    /** The JSON mapper of the request path, for the front door to parse requests and write errors with. */
    ObjectMapper json() {
        return parts.json();
    }

    @Override
    public void close() {
        upstream.close();
        shadows.close(); // lets the comparisons being scored finish and be recorded
    }
}
