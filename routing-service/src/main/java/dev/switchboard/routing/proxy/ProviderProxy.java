package dev.switchboard.routing.proxy;

import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.events.RequestOutcome;
import dev.switchboard.events.SelectionReason;
import dev.switchboard.events.ShadowComparison;
import dev.switchboard.routing.failover.RetryBudget;
import dev.switchboard.routing.health.OutlierDetector;
import dev.switchboard.routing.outcome.Attempt;
import dev.switchboard.routing.outcome.OutcomeRecorder;
import dev.switchboard.routing.strategy.Selection;
import dev.switchboard.routing.strategy.TrafficCounters;
import dev.switchboard.routing.strategy.VersionSelector;
import dev.switchboard.routing.table.Endpoints;
import dev.switchboard.routing.table.Provider;
import dev.switchboard.routing.shadow.AnswerSimilarity;
import dev.switchboard.routing.table.RoutingTable;
import dev.switchboard.routing.table.ShadowMirror;
import dev.switchboard.routing.table.VersionConfig;
import dev.switchboard.schemas.VersionKey;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Serves one API request (chat completion, embedding, speech): finds the provider, has the selector choose a
 * version, forwards the request with the version's model name and relays the answer (a stream chunk by chunk,
 * never buffered whole). A failed attempt (connect error, timeout, 5xx, 429) is tried again on another version of
 * the provider, then on its fallback provider, never twice on one version, within the provider's attempts, the
 * retry budget and the request deadline. A stream is only retried before its first byte reached the client.
 * Every attempt records its own outcome.
 *
 * <p>Nothing here blocks: a request runs on the event loop that accepted it, as a chain of callbacks that run one
 * after another, so the per-request state below needs no locking.
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
    /**
     * The request log: one line per client request that named a provider, with its request id, provider, version,
     * attempts, the status the client got and the last attempt's outcome, as key-value pairs too, so that structured
     * (JSON) logs carry them as fields. {@code logging.level.switchboard.requests=warn} turns it off.
     */
    private static final Logger requests = LoggerFactory.getLogger("switchboard.requests");

    /** Collaborators of the proxy, grouped so its constructor stays readable. */
    public record Parts(Supplier<RoutingTable> table, VersionSelector selector, OutlierDetector outliers,
                        RetryBudget retryBudget, TrafficCounters counters, OutcomeRecorder recorder,
                        OverheadRecorder overhead, ObjectMapper json, Clock clock, Endpoints endpoints) {
    }

    /**
     * @param requestDeadline   the longest a client request may take across all its attempts
     * @param maxAnswerBytes    the largest plain (not streamed) answer taken from an upstream
     * @param shadowMaxInFlight shadow calls (seed 003) in flight at most; beyond it requests are not mirrored
     */
    public record Settings(Duration connectTimeout, Duration responseTimeout, Duration requestDeadline,
                           int maxConnectionsPerUpstream, int maxAnswerBytes, String instanceId,
                           int shadowMaxInFlight) {
    }

    private sealed interface Result {
        record Served() implements Result {
        }

        record Failed(FrontDoorException error) implements Result {
        }
    }

    private static final Result SERVED = new Result.Served();

    /** One client request across its attempts; touched by one callback at a time. */
    private static final class Exchange {
        final ApiRequest request;
        final Provider provider;
        final Optional<String> subject;
        /** The version the client pinned, or null: it alone is tried. */
        final VersionConfig pinned;
        final String requestId;
        final Instant deadline;
        final Channel client;
        /** Allocated at the first failure only: most requests succeed on their first attempt. */
        Set<VersionKey> tried = Set.of();
        Set<String> fallbacksUsed = Set.of();
        Provider current;
        FrontDoorException lastFailure;
        int attempts;
        /** The answer the client got (a stream's events as sent), kept only when the provider mirrors to a shadow. */
        byte[] answer;
        /** When the front door took the request, and how long its attempts waited on upstreams: the overhead. */
        final long startedNanos = System.nanoTime();
        long upstreamNanos;
        VersionKey lastVersion;
        /** The last attempt, for the request log, and the status of the error the client gets, if it gets one. */
        Attempt lastAttempt;
        int errorStatus;

        Exchange(final ApiRequest request, final Target target, final Optional<String> subject,
                 final String requestId, final Instant deadline, final Channel client) {
            this.request = request;
            this.client = client;
            this.provider = target.provider();
            this.pinned = target.pinned().orElse(null);
            this.subject = subject;
            this.requestId = requestId;
            this.deadline = deadline;
            this.current = this.provider;
        }

        void failedOn(final VersionKey version) {
            if (tried.isEmpty()) {
                tried = new HashSet<>(4);
            }
            tried.add(version);
        }

        boolean hasUsed(final String providerId) {
            return provider.id().equals(providerId) || fallbacksUsed.contains(providerId);
        }

        void fallBackTo(final Provider fallback) {
            if (fallbacksUsed.isEmpty()) {
                fallbacksUsed = new HashSet<>(4);
            }
            fallbacksUsed.add(fallback.id());
            current = fallback;
        }
    }

    private final Parts parts;
    private final Settings settings;
    private final UpstreamClient upstream;
    private final ShadowCalls shadows;
    private final ExecutorService scoring;

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
            settings.maxConnectionsPerUpstream(), settings.maxAnswerBytes(), parts.endpoints());
        this.shadows = new ShadowCalls(settings.shadowMaxInFlight());
        this.scoring = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("shadow-scoring-", 0).factory());
    }

    /**
     * Serves {@code request} into {@code response}. Completes when the answer has been relayed; fails with a
     * {@link FrontDoorException} when no attempt could be served and nothing was sent yet.
     */
    public Mono<Void> handle(final ApiRequest request, final Optional<String> sessionId,
                             final Optional<String> pinHeader, final HttpServerResponse response) {
        final Target target = target(request.model(), pinHeader.filter(pin -> !pin.isBlank()).map(String::strip));
        final String requestId = newRequestId();
        final Exchange exchange = new Exchange(request, target,
            sessionId.filter(s -> !s.isBlank()).or(request::user), requestId,
            parts.clock().instant().plus(settings.requestDeadline()), channelOf(response));
        response.header(REQUEST_ID_HEADER, requestId);
        parts.retryBudget().onRequest();
        return next(exchange, response)
            .doOnError(FrontDoorException.class, failure -> exchange.errorStatus = failure.status())
            .doFinally(signal -> {
                if (exchange.lastVersion != null) {
                    parts.overhead().record(exchange.lastVersion,
                        Math.max(0, System.nanoTime() - exchange.startedNanos - exchange.upstreamNanos));
                }
                logRequest(exchange, response, signal);
            });
    }

    private static void logRequest(final Exchange exchange, final HttpServerResponse response,
                                   final SignalType signal) {
        if (!requests.isInfoEnabled()) {
            return;
        }
        final int status = signal == SignalType.CANCEL ? 499
            : exchange.errorStatus != 0 ? exchange.errorStatus : response.status().code();
        final String version = exchange.lastVersion == null ? "-" : exchange.lastVersion.version();
        // A cancelled attempt is marked so after this runs: the client's going away is the outcome then.
        final String outcome = signal == SignalType.CANCEL ? OutcomeStatus.CANCELLED.name()
            : exchange.lastAttempt == null ? "NO_ATTEMPT" : exchange.lastAttempt.status().name();
        final long millis = (System.nanoTime() - exchange.startedNanos) / 1_000_000;
        requests.atInfo()
            .addKeyValue("request_id", exchange.requestId)
            .addKeyValue("provider", exchange.current.id())
            .addKeyValue("version", version)
            .addKeyValue("attempts", exchange.attempts)
            .addKeyValue("status", status)
            .addKeyValue("outcome", outcome)
            .addKeyValue("duration_ms", millis)
            .log("{} {} {} {} {} after {} attempt(s) in {} ms", exchange.requestId, exchange.current.id(), version,
                status, outcome, exchange.attempts, millis);
    }

    private Mono<Void> next(final Exchange exchange, final HttpServerResponse response) {
        while (true) {
            final Selection selection = exchange.pinned != null
                ? new Selection.Chosen(exchange.pinned, SelectionReason.PINNED)
                : parts.selector().select(exchange.current, exchange.tried, exchange.subject);
            if (selection instanceof Selection.NoneRoutable none) {
                final Optional<Provider> fallback = fallback(exchange);
                if (fallback.isPresent()) {
                    exchange.fallBackTo(fallback.get());
                    continue;
                }
                return Mono.error(exchange.lastFailure != null ? exchange.lastFailure
                    : FrontDoorException.noRoutableVersion(none.why()));
            }
            final Selection.Chosen chosen = (Selection.Chosen) selection;
            exchange.attempts++;
            return attempt(exchange, chosen, response).flatMap(result -> switch (result) {
                case Result.Served served -> Mono.empty();
                case Result.Failed failed -> failOver(exchange, chosen.version().key(), failed.error(), response);
            });
        }
    }

    private Mono<Void> failOver(final Exchange exchange, final VersionKey failedVersion,
                                final FrontDoorException failure, final HttpServerResponse response) {
        exchange.lastFailure = failure;
        exchange.failedOn(failedVersion);
        if (!mayRetry(exchange)) {
            return Mono.error(failure);
        }
        log.debug("Request {} failing over from {} after: {}", exchange.requestId, failedVersion, failure.getMessage());
        return next(exchange, response);
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
        return switch (parts.table().get().find(model)) {
            case RoutingTable.Lookup.Found found -> found.provider();
            case RoutingTable.Lookup.Unknown unknown -> throw FrontDoorException.unknownModel(
                "The model '" + model + "' does not name a configured provider");
            case RoutingTable.Lookup.Ambiguous ambiguous -> throw FrontDoorException.invalidRequest(
                "The model '" + model + "' is ambiguous; name one of " + ambiguous.candidates());
        };
    }

    /** The provider a request is for and, when the client pinned one, its version. */
    record Target(Provider provider, Optional<VersionConfig> pinned) {
    }

    /**
     * The provider {@code model} names and the version the client pins, if any: {@code "name@version"} in the model
     * (a model that names a provider as it is, {@code @} and all, is that provider) or the pin header.
     *
     * @throws FrontDoorException 404 for an unknown provider or version, 409 for an inactive version, 400 when the
     *                            model and the header pin different versions, 503 for a version with nowhere to call
     */
    Target target(final String model, final Optional<String> pinHeader) {
        final int at = model.lastIndexOf('@');
        final boolean pinsInModel = at > 0 && at < model.length() - 1
            && !(parts.table().get().find(model) instanceof RoutingTable.Lookup.Found);
        final Provider provider = resolve(pinsInModel ? model.substring(0, at) : model);
        final Optional<String> inModel = pinsInModel ? Optional.of(model.substring(at + 1)) : Optional.empty();
        if (inModel.isPresent() && pinHeader.isPresent() && !inModel.equals(pinHeader)) {
            throw FrontDoorException.invalidRequest("The model pins version " + inModel.get() + " but the "
                + PIN_HEADER + " header pins " + pinHeader.get() + "; pin one");
        }
        return new Target(provider, inModel.or(() -> pinHeader).map(version -> pinned(provider, version)));
    }

    private VersionConfig pinned(final Provider provider, final String version) {
        final VersionConfig pinned = provider.version(version).orElseThrow(() -> FrontDoorException.unknownModel(
            "Version '" + version + "' of " + provider.id() + " does not exist; its versions are "
                + provider.versions().stream().map(VersionConfig::version).toList()));
        if (!pinned.active()) {
            throw FrontDoorException.versionInactive("Version " + version + " of " + provider.id()
                + " is inactive; activate it, or pin an active version");
        }
        parts.endpoints().whyNotRoutable(pinned).ifPresent(why -> {
            throw FrontDoorException.noRoutableVersion(why);
        });
        return pinned;
    }

    private Optional<Provider> fallback(final Exchange exchange) {
        return exchange.current.policy().fallbackProvider()
            .filter(id -> !exchange.hasUsed(id))
            .flatMap(id -> parts.table().get().find(id) instanceof RoutingTable.Lookup.Found found
                ? Optional.of(found.provider()) : Optional.empty());
    }

    /** A pinned request is never moved to another version: its failure is the client's answer. */
    private boolean mayRetry(final Exchange exchange) {
        return exchange.pinned == null && exchange.attempts < exchange.provider.policy().maxAttempts()
            && parts.clock().instant().isBefore(exchange.deadline)
            && parts.retryBudget().tryRetry();
    }

    private Mono<Result> attempt(final Exchange exchange, final Selection.Chosen chosen,
                                 final HttpServerResponse response) {
        final VersionConfig version = chosen.version();
        response.header(VERSION_HEADER, version.version());
        response.header(ATTEMPTS_HEADER, Integer.toString(exchange.attempts));
        if (chosen.experiment() != null) {
            response.header(EXPERIMENT_HEADER, chosen.experiment());
            response.header(ARM_HEADER, chosen.arm());
        }
        final Attempt attempt = new Attempt(parts.clock(), exchange.requestId, chosen, exchange.attempts,
            exchange.request.stream(), settings.instanceId());
        exchange.lastAttempt = attempt;
        parts.counters().started(version.key());
        // The attempt is over when its result comes, and is recorded then: what follows it (a failover, or the
        // error relayed to the client) may cancel this chain, which must not turn its failure into a cancel.
        return forward(exchange, attempt, response)
            .doOnNext(result -> {
                judge(attempt);
                maybeMirror(exchange, finish(attempt));
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

    /**
     * Seed 003's shadow mode: after the client got a successful answer, the provider's shadow candidate gets the
     * same request (a share of them), under its own limit of calls in flight. Its outcome is flagged shadow, and a
     * comparison of the two answers (status, latency, tokens, similarity of the texts) is recorded. Nothing of it
     * reaches the client, which has its answer already.
     */
    private void maybeMirror(final Exchange exchange, final RequestOutcome baseline) {
        final Optional<ShadowMirror> mirror = exchange.current.policy().shadow();
        if (baseline.getStatus() != OutcomeStatus.SUCCESS || mirror.isEmpty() || exchange.pinned != null
            || mirror.get().candidate().equals(baseline.getVersion())
            || ThreadLocalRandom.current().nextDouble(100) >= mirror.get().percentage()) {
            return;
        }
        final Optional<VersionConfig> candidate = exchange.current.version(mirror.get().candidate());
        if (candidate.isEmpty() || !parts.endpoints().isRoutable(candidate.get()) || !shadows.tryStart()) {
            return;
        }
        final Attempt attempt = new Attempt(parts.clock(), exchange.requestId,
            new Selection.Chosen(candidate.get(), baseline.getSelectionReason()), 1, exchange.request.stream(),
            settings.instanceId()).shadow();
        final byte[] baselineAnswer = exchange.answer;
        final AtomicReference<byte[]> candidateAnswer = new AtomicReference<>();
        upstream.exchange(exchange.client, candidate.get(), exchange.request.operation(),
                exchange.request.forVersion(candidate.get(), parts.json()), settings.responseTimeout())
            .doOnNext(answer -> {
                attempt.answered(answer.status());
                candidateAnswer.set(answer.body());
                recordUsage(answer, attempt);
            })
            .doFinally(signal -> {
                final RequestOutcome outcome = attempt.finish();
                parts.recorder().record(outcome);
                // Reading both answers and scoring them is CPU work the baseline's clients need not queue behind on
                // the event loop: it runs on a virtual thread of its own, and holds its shadow slot until done, so
                // the limit bounds the answers kept for scoring too.
                final byte[] candidateBody = candidateAnswer.get();
                try {
                    scoring.execute(() -> {
                        try {
                            parts.recorder().recordComparison(comparison(baseline, outcome, AnswerSimilarity.of(
                                AnswerText.of(baselineAnswer, parts.json()),
                                AnswerText.of(candidateBody, parts.json()))));
                        } finally {
                            shadows.finished();
                        }
                    });
                } catch (RejectedExecutionException e) {
                    shadows.finished(); // the router is closing: this comparison is not scored
                }
            })
            .subscribe(answer -> { }, error -> unreachable(error, attempt));
    }

    private static ShadowComparison comparison(final RequestOutcome baseline, final RequestOutcome candidate,
                                               final OptionalDouble similarity) {
        return ShadowComparison.newBuilder()
            .setRequestId(baseline.getRequestId()).setEventTime(baseline.getEventTime())
            .setCategory(baseline.getCategory()).setName(baseline.getName())
            .setBaselineVersion(baseline.getVersion()).setCandidateVersion(candidate.getVersion())
            .setBaselineStatus(baseline.getStatus()).setCandidateStatus(candidate.getStatus())
            .setBaselineLatencyMs(baseline.getLatencyMs()).setCandidateLatencyMs(candidate.getLatencyMs())
            .setBaselineCompletionTokens(baseline.getCompletionTokens())
            .setCandidateCompletionTokens(candidate.getCompletionTokens())
            .setSimilarity(similarity.isPresent() ? similarity.getAsDouble() : null)
            .setRouterInstance(baseline.getRouterInstance())
            .build();
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

    private Mono<Result> forward(final Exchange exchange, final Attempt attempt, final HttpServerResponse response) {
        final VersionConfig version = attempt.version();
        exchange.lastVersion = version.key();
        final byte[] body = exchange.request.forVersion(version, parts.json());
        final Duration timeLeft = Duration.between(parts.clock().instant(), exchange.deadline);
        final long calledAt = System.nanoTime();
        // Upstream time: a plain answer's until it is all in; a stream's until it ends (its relay is interleaved).
        final Mono<Result> sent = exchange.request.stream()
            ? upstream.open(exchange.client.eventLoop(), version, exchange.request.operation(), body, timeLeft,
                    (answer, content) -> relayStreamOrBody(answer, content, attempt, response, exchange))
                .doFinally(signal -> exchange.upstreamNanos += System.nanoTime() - calledAt)
            : upstream.exchange(exchange.client, version, exchange.request.operation(), body, timeLeft)
                .doOnEach(signal -> {
                    if (signal.isOnNext() || signal.isOnError()) {
                        exchange.upstreamNanos += System.nanoTime() - calledAt;
                    }
                })
                .doOnNext(answer -> keepForShadow(exchange, answer.body()))
                .flatMap(answer -> relayAnswer(answer, attempt, response));
        return sent.onErrorResume(e -> Mono.just(unreachable(e, attempt)));
    }

    /** The answer the client gets, kept for the comparison when the provider mirrors to a shadow candidate. */
    private static void keepForShadow(final Exchange exchange, final byte[] answer) {
        if (exchange.current.policy().shadow().isPresent()) {
            exchange.answer = answer;
        }
    }

    /** A failure before anything reached the client: the attempt may be retried elsewhere. */
    private static Result unreachable(final Throwable error, final Attempt attempt) {
        final VersionConfig version = attempt.version();
        if (isTimeout(error)) {
            attempt.failed(OutcomeStatus.TIMEOUT, "timeout");
            return new Result.Failed(FrontDoorException.upstreamTimedOut("Version " + version.version() + " of "
                + version.key().provider() + " did not answer in time"));
        }
        attempt.failed(OutcomeStatus.UPSTREAM_ERROR, "connect_error");
        return new Result.Failed(FrontDoorException.upstreamFailed("Could not reach version " + version.version()
            + " of " + version.key().provider() + ": " + error.getClass().getSimpleName()));
    }

    private static boolean isTimeout(final Throwable error) {
        return error instanceof ReadTimeoutException || error instanceof ConnectTimeoutException
            || error instanceof TimeoutException;
    }

    /** A plain answer: 2xx and the client's own 4xx are relayed, anything else fails the attempt. */
    private Mono<Result> relayAnswer(final UpstreamClient.Answer answer, final Attempt attempt,
                                     final HttpServerResponse response) {
        attempt.answered(answer.status());
        if (attempt.status() != OutcomeStatus.SUCCESS && attempt.status() != OutcomeStatus.CLIENT_ERROR) {
            return Mono.just(new Result.Failed(upstreamRefused(attempt.version(), answer.status())));
        }
        recordUsage(answer, attempt);
        response.status(answer.status())
            .header(HttpHeaderNames.CONTENT_TYPE, answer.contentType().orElse("application/json"))
            .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(answer.body().length));
        return response.sendByteArray(Mono.just(answer.body())).then()
            .onErrorResume(e -> {
                attempt.failed(OutcomeStatus.CANCELLED, "client_disconnected");
                return Mono.empty();
            })
            .thenReturn(SERVED);
    }

    /**
     * What the client hears of a version's failed answer when no other version does better: a rate limit stays a
     * 429 and an unavailable upstream a 503 (both retryable, so an SDK backs off and tries again), anything else
     * is the gateway's 502.
     */
    static FrontDoorException upstreamRefused(final VersionConfig version, final int status) {
        final String message = "Version " + version.version() + " of " + version.key().provider() + " answered HTTP "
            + status;
        return switch (status) {
            case 429 -> FrontDoorException.rateLimited(message);
            case 503 -> FrontDoorException.upstreamUnavailable(message);
            default -> FrontDoorException.upstreamFailed(message);
        };
    }

    /** The token counts of a plain JSON answer, into its attempt's outcome. */
    private void recordUsage(final UpstreamClient.Answer answer, final Attempt attempt) {
        if (answer.contentType().map(t -> t.contains("json")).orElse(false)) {
            final UsageScanner usage = new UsageScanner(parts.json());
            usage.acceptBody(answer.body());
            attempt.usage(usage.promptTokens(), usage.completionTokens());
        }
    }

    /** The answer to a streaming request: relayed chunk by chunk when it is an event stream, else as a plain answer. */
    private Mono<Result> relayStreamOrBody(final HttpClientResponse answer, final ByteBufFlux content,
                                           final Attempt attempt, final HttpServerResponse response,
                                           final Exchange exchange) {
        final int status = answer.status().code();
        final Optional<String> contentType = UpstreamClient.contentType(answer);
        if (status >= 200 && status < 300 && contentType.map(t -> t.startsWith("text/event-stream")).orElse(false)) {
            attempt.answered(status);
            return relayStream(content, contentType.get(), attempt, response, exchange);
        }
        return content.aggregate().asByteArray().defaultIfEmpty(new byte[0])
            .doOnNext(bytes -> keepForShadow(exchange, bytes))
            .flatMap(bytes -> relayAnswer(new UpstreamClient.Answer(status, contentType, bytes), attempt, response));
    }

    private Mono<Result> relayStream(final ByteBufFlux content, final String contentType, final Attempt attempt,
                                     final HttpServerResponse response, final Exchange exchange) {
        response.status(200)
            .header(HttpHeaderNames.CONTENT_TYPE, contentType)
            .header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
            .header("X-Accel-Buffering", "no");
        final UsageScanner usage = new UsageScanner(parts.json());
        final StreamCopy copy = exchange.current.policy().shadow().isPresent() ? new StreamCopy() : null;
        final Flux<ByteBuf> chunks = content.retain()
            .doOnNext(chunk -> {
                attempt.firstToken();
                usage.acceptStream(chunk);
                if (copy != null) {
                    copy.accept(chunk);
                }
            })
            .onErrorResume(e -> {
                // The client already has part of the stream: too late to fail over; end it where it broke.
                attempt.failed(OutcomeStatus.UPSTREAM_ERROR, "stream_interrupted");
                log.debug("Upstream {} broke off a stream: {}", attempt.version().key(), e.toString());
                return Mono.empty();
            });
        return response.send(chunks).then()
            .onErrorResume(e -> {
                attempt.failed(OutcomeStatus.CANCELLED, "client_disconnected");
                log.debug("Client left during a stream from {}", attempt.version().key());
                return Mono.empty();
            })
            .then(Mono.fromSupplier(() -> {
                attempt.usage(usage.promptTokens(), usage.completionTokens());
                if (copy != null) {
                    keepForShadow(exchange, copy.bytes());
                }
                return SERVED;
            }));
    }

    /**
     * A copy of a streamed answer, for the shadow comparison's similarity (the client has the stream itself), up to
     * {@link #MAX_BYTES}: a longer answer is not compared rather than held whole in memory.
     */
    private static final class StreamCopy {

        static final int MAX_BYTES = 1 << 20;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private boolean tooLong;

        void accept(final ByteBuf chunk) {
            if (tooLong || bytes.size() + chunk.readableBytes() > MAX_BYTES) {
                tooLong = true;
                return;
            }
            final byte[] copy = new byte[chunk.readableBytes()];
            chunk.getBytes(chunk.readerIndex(), copy);
            bytes.writeBytes(copy);
        }

        byte[] bytes() {
            return tooLong ? null : bytes.toByteArray();
        }
    }

    /** The client's connection: the upstream call runs on its event loop too. */
    private static Channel channelOf(final HttpServerResponse response) {
        final AtomicReference<Channel> channel = new AtomicReference<>();
        response.withConnection(connection -> channel.set(connection.channel()));
        return channel.get();
    }

    /**
     * A random (version 4) UUID drawn from a thread-local generator: a request id needs to be unique, not
     * unguessable, and {@link UUID#randomUUID()}'s shared secure generator would be contended on every request.
     */
    private static String newRequestId() {
        final ThreadLocalRandom random = ThreadLocalRandom.current();
        final long high = random.nextLong() & ~0xF000L | 0x4000L;
        final long low = random.nextLong() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L;
        return "req-" + new UUID(high, low);
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
        scoring.close(); // lets the comparisons being scored finish and be recorded
    }
}
