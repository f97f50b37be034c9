package dev.switchboard.routing.proxy;

import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.routing.outcome.Attempt;
import dev.switchboard.routing.shadow.ShadowMirroring;
import dev.switchboard.routing.table.VersionConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.ObjectMapper;

/**
 * One attempt's call to its version and the relay of the answer to the client: a plain answer whole, with its
 * length; an event stream chunk by chunk as it comes, never buffered whole. An answer that fails the attempt (a
 * 5xx, a 429, no connection, no answer in time) is not relayed, so the request can be tried again elsewhere; once a
 * stream's first byte has reached the client it can no longer be.
 */
final class AnswerRelay {

    private static final Logger log = LoggerFactory.getLogger(AnswerRelay.class);

    /** How an attempt ended. */
    sealed interface Result {
        record Served() implements Result {
        }

        /** The attempt failed before anything reached the client. */
        record Failed(FrontDoorException error) implements Result {
        }
    }

    static final Result SERVED = new Result.Served();

    private final UpstreamClient upstream;
    private final ObjectMapper json;
    private final Clock clock;

    AnswerRelay(final UpstreamClient upstream, final ObjectMapper json, final Clock clock) {
        this.upstream = upstream;
        this.json = json;
        this.clock = clock;
    }

    /** Sends the attempt to its version and relays what comes back; never fails, a failure is a {@code Failed}. */
    Mono<Result> forward(final Exchange exchange, final Attempt attempt, final HttpServerResponse response) {
        final VersionConfig version = attempt.version();
        final byte[] body = exchange.request.forVersion(version, json);
        final Duration timeLeft = Duration.between(clock.instant(), exchange.deadline);
        final long calledAt = System.nanoTime();
        // Upstream time: a plain answer's until it is all in; a stream's until it ends (its relay is interleaved).
        final Mono<Result> sent = exchange.request.stream()
            ? upstream.open(exchange.client.eventLoop(), version, exchange.request.operation(), body, timeLeft,
                    (answer, content) -> relayStreamOrBody(answer, content, attempt, response, exchange))
                .doFinally(signal -> exchange.upstreamNanos += System.nanoTime() - calledAt)
            : upstream.exchange(exchange.client, version, exchange.request.operation(), body, timeLeft)
                // doOnNext and doOnError rather than one doOnEach, which asks the whole chain for its context at
                // every signal (3.9% of the router's samples went to Reactor's currentContext)
                .doOnNext(answer -> {
                    exchange.upstreamNanos += System.nanoTime() - calledAt;
                    keepForShadow(exchange, answer.body());
                })
                .doOnError(error -> exchange.upstreamNanos += System.nanoTime() - calledAt)
                .flatMap(answer -> relayAnswer(answer, attempt, response));
        return sent.onErrorResume(e -> Mono.just(unreachable(e, attempt)));
    }

    /**
     * The port seed 003's shadow mirroring calls the shadow candidate through: this router's upstream client, on
     * the request's own event loop, with the body made for the candidate.
     */
    ShadowMirroring.Upstream toShadow(final Exchange exchange, final Duration responseTimeout) {
        return (attempt, done) -> upstream.exchange(exchange.client, attempt.version(), exchange.request.operation(),
                exchange.request.forVersion(attempt.version(), json), responseTimeout)
            .subscribe(answer -> {
                attempt.answered(answer.status());
                recordUsage(answer, attempt);
                done.accept(answer.body());
            }, error -> {
                unreachable(error, attempt);
                done.accept(null);
            });
    }

    /** The answer the client gets, kept for the comparison when the provider mirrors to a shadow candidate. */
    private static void keepForShadow(final Exchange exchange, final byte[] answer) {
        if (ShadowMirroring.mirrors(exchange.plan.current())) {
            exchange.answer = answer;
        }
    }

    /** A failure before anything reached the client: the attempt may be retried elsewhere. */
    private static Result unreachable(final Throwable error, final Attempt attempt) {
        final VersionConfig version = attempt.version();
        if (isTimeout(error)) {
            attempt.failed(OutcomeStatus.TIMEOUT, "timeout");
            return new Result.Failed(FrontDoorException.upstreamTimedOut(named(version) + " did not answer in time"));
        }
        if (error instanceof TooLongFrameException || error instanceof UpstreamClient.AnswerTooLarge) {
            return failed(attempt, "answer_too_large",
                " answered more than this router takes (switchboard.routing.max-answer-size)");
        }
        if (error instanceof PrematureChannelClosureException || error instanceof PrematureCloseException) {
            return failed(attempt, "connection_dropped", " dropped the connection before its answer was complete");
        }
        attempt.failed(OutcomeStatus.UPSTREAM_ERROR, "connect_error");
        return new Result.Failed(FrontDoorException.upstreamFailed("Could not reach version " + version.version()
            + " of " + version.key().provider() + ": " + error.getClass().getSimpleName()));
    }

    /** The attempt failed upstream for {@code reason}; the client would hear that its version {@code did}. */
    private static Result failed(final Attempt attempt, final String reason, final String did) {
        attempt.failed(OutcomeStatus.UPSTREAM_ERROR, reason);
        return new Result.Failed(FrontDoorException.upstreamFailed(named(attempt.version()) + did));
    }

    /** "Version v2 of LLM/OllamaLLM", as the front door's errors name the version that failed. */
    private static String named(final VersionConfig version) {
        return "Version " + version.version() + " of " + version.key().provider();
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
            final FrontDoorException refused = upstreamRefused(attempt.version(), answer.status());
            return Mono.just(new Result.Failed(answer.retryAfter().map(refused::retryAfter).orElse(refused)));
        }
        if (!recordUsage(answer, attempt) && attempt.status() == OutcomeStatus.SUCCESS) {
            // A 200 whose JSON breaks off (a dropped connection the length did not catch, a broken upstream): no
            // answer to relay, and nothing reached the client yet, so another version may take the request.
            return Mono.just(failed(attempt, "malformed_answer", " answered malformed JSON"));
        }
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
        final String message = named(version) + " answered HTTP "
            + status;
        return switch (status) {
            case 429 -> FrontDoorException.rateLimited(message);
            case 503 -> FrontDoorException.upstreamUnavailable(message);
            default -> FrontDoorException.upstreamFailed(message);
        };
    }

    /**
     * The token counts of a plain JSON answer, into its attempt's outcome.
     *
     * @return false when the answer says it is JSON and is not whole JSON
     */
    private boolean recordUsage(final UpstreamClient.Answer answer, final Attempt attempt) {
        if (!answer.contentType().map(t -> t.contains("json")).orElse(false)) {
            return true;
        }
        final UsageScanner usage = new UsageScanner(json);
        final boolean whole = usage.acceptBody(answer.body());
        attempt.usage(usage.promptTokens(), usage.completionTokens());
        return whole;
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
        return upstream.whole(content)
            .doOnNext(bytes -> keepForShadow(exchange, bytes))
            .flatMap(bytes -> relayAnswer(UpstreamClient.Answer.of(answer, bytes), attempt, response));
    }

    private Mono<Result> relayStream(final ByteBufFlux content, final String contentType, final Attempt attempt,
                                     final HttpServerResponse response, final Exchange exchange) {
        response.status(200)
            .header(HttpHeaderNames.CONTENT_TYPE, contentType)
            .header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
            .header("X-Accel-Buffering", "no");
        final UsageScanner usage = new UsageScanner(json);
        final StreamCopy copy = ShadowMirroring.mirrors(exchange.plan.current()) ? new StreamCopy() : null;
        final Flux<ByteBuf> chunks = content.retain()
            .doOnNext(chunk -> {
                attempt.firstToken();
                usage.acceptStream(chunk);
                if (copy != null) {
                    copy.accept(chunk);
                }
            })
            .onErrorResume(e -> {
                // The client already has part of the stream: too late to fail over. It ends with an error event
                // in OpenAI's shape, which the SDKs raise, rather than looking like an answer that just stopped.
                attempt.failed(OutcomeStatus.UPSTREAM_ERROR, "stream_interrupted");
                log.debug("Upstream {} broke off a stream: {}", attempt.version().key(), e.toString());
                return Mono.just(Unpooled.wrappedBuffer(streamBrokeOff(attempt.version())));
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

    /** The last event of a stream its upstream broke off: an OpenAI error, as OpenAI's own streams end in one. */
    private byte[] streamBrokeOff(final VersionConfig version) {
        return ("data: " + json.writeValueAsString(OpenAiErrors.body(named(version) + " broke off the stream; the "
            + "answer is incomplete and the request may be retried", "server_error", "stream_interrupted")) + "\n\n")
            .getBytes(StandardCharsets.UTF_8);
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
}
