package dev.switchboard.routing.proxy;

import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.routing.failover.RetryBudget;
import dev.switchboard.routing.health.OutlierDetector;
import dev.switchboard.routing.outcome.Attempt;
import dev.switchboard.routing.outcome.OutcomeRecorder;
import dev.switchboard.routing.strategy.Selection;
import dev.switchboard.routing.strategy.TrafficCounters;
import dev.switchboard.routing.strategy.VersionSelector;
import dev.switchboard.routing.table.Provider;
import dev.switchboard.routing.table.RoutingTable;
import dev.switchboard.routing.table.VersionConfig;
import dev.switchboard.schemas.VersionKey;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;

/**
 * Serves one API request (chat completion, embedding, speech): finds the provider, has the selector choose a version, forwards the request with
 * the version's model name and relays the answer (a stream chunk by chunk, never buffered whole). A failed
 * attempt (connect error, timeout, 5xx, 429) is tried again on another version of the provider, then on its
 * fallback provider, never twice on one version, within the provider's attempts, the retry budget and the
 * request deadline. A stream is only retried before its first byte reached the client. Every attempt records
 * its own outcome.
 */
public final class ProviderProxy {

    public static final String VERSION_HEADER = "X-Switchboard-Version";
    public static final String ATTEMPTS_HEADER = "X-Switchboard-Attempts";
    public static final String REQUEST_ID_HEADER = "X-Request-Id";

    private static final Logger log = LoggerFactory.getLogger(ProviderProxy.class);

    /** Collaborators of the proxy, grouped so its constructor stays readable. */
    public record Parts(Supplier<RoutingTable> table, VersionSelector selector, OutlierDetector outliers,
                        RetryBudget retryBudget, TrafficCounters counters, OutcomeRecorder recorder,
                        ObjectMapper json, Clock clock) {
    }

    /**
     * @param requestDeadline the longest a client request may take across all its attempts
     */
    public record Settings(Duration connectTimeout, Duration responseTimeout, Duration requestDeadline,
                           int maxConnectionsPerUpstream, String instanceId) {
    }

    private sealed interface Result {
        record Served() implements Result {
        }

        record Failed(FrontDoorException error) implements Result {
        }
    }

    private final Parts parts;
    private final Settings settings;
    private final UpstreamClient upstream;

    public ProviderProxy(final Parts parts, final Settings settings) {
        this.parts = parts;
        this.settings = settings;
        this.upstream = new UpstreamClient(settings.connectTimeout(), settings.responseTimeout(),
            settings.maxConnectionsPerUpstream());
    }

    public void handle(final ApiRequest request, final Optional<String> sessionId,
                       final HttpServletResponse response) throws IOException {
        final Provider provider = resolve(request.model());
        final Optional<String> subject = sessionId.filter(s -> !s.isBlank()).or(request::user);
        final String requestId = "req-" + UUID.randomUUID();
        final Instant deadline = parts.clock().instant().plus(settings.requestDeadline());
        response.setHeader(REQUEST_ID_HEADER, requestId);
        parts.retryBudget().onRequest();
        final Set<VersionKey> tried = new HashSet<>();
        final Set<String> providersUsed = new HashSet<>(Set.of(provider.id()));
        Provider current = provider;
        FrontDoorException lastFailure = null;
        int number = 0;
        while (true) {
            final Selection selection = parts.selector().select(current, tried, subject);
            if (selection instanceof Selection.NoneRoutable none) {
                final Optional<Provider> fallback = fallback(current, providersUsed);
                if (fallback.isPresent()) {
                    current = fallback.get();
                    providersUsed.add(current.id());
                    continue;
                }
                throw lastFailure != null ? lastFailure : FrontDoorException.noRoutableVersion(none.why());
            }
            final Selection.Chosen chosen = (Selection.Chosen) selection;
            number++;
            final Result result = attempt(request, chosen, number, requestId, deadline, response);
            if (result instanceof Result.Failed failed) {
                lastFailure = failed.error();
                tried.add(chosen.version().key());
                if (!mayRetry(provider, number, deadline)) {
                    throw lastFailure;
                }
                log.debug("Request {} failing over from {} after: {}", requestId, chosen.version().key(),
                    lastFailure.getMessage());
                continue;
            }
            return;
        }
    }

    private Provider resolve(final String model) {
        return switch (parts.table().get().find(model)) {
            case RoutingTable.Lookup.Found found -> found.provider();
            case RoutingTable.Lookup.Unknown unknown -> throw FrontDoorException.unknownModel(
                "The model '" + model + "' does not name a configured provider");
            case RoutingTable.Lookup.Ambiguous ambiguous -> throw FrontDoorException.invalidRequest(
                "The model '" + model + "' is ambiguous; name one of " + ambiguous.candidates());
        };
    }

    private Optional<Provider> fallback(final Provider current, final Set<String> used) {
        return current.policy().fallbackProvider()
            .filter(id -> !used.contains(id))
            .flatMap(id -> parts.table().get().find(id) instanceof RoutingTable.Lookup.Found found
                ? Optional.of(found.provider()) : Optional.empty());
    }

    private boolean mayRetry(final Provider provider, final int attempts, final Instant deadline) {
        return attempts < provider.policy().maxAttempts()
            && parts.clock().instant().isBefore(deadline)
            && parts.retryBudget().tryRetry();
    }

    private Result attempt(final ApiRequest request, final Selection.Chosen chosen, final int number,
                           final String requestId, final Instant deadline, final HttpServletResponse response)
        throws IOException {
        final VersionConfig version = chosen.version();
        response.setHeader(VERSION_HEADER, version.version());
        response.setHeader(ATTEMPTS_HEADER, Integer.toString(number));
        final Attempt attempt = new Attempt(parts.clock(), requestId, version, chosen.reason(), number,
            request.stream(), settings.instanceId(), chosen.subjectHash());
        parts.counters().started(version.key());
        try {
            final Result result = forward(request, attempt, deadline, response);
            if (attempt.versionFailed()) {
                final Duration ejected = parts.outliers().recordFailure(version.key());
                if (!ejected.isZero()) {
                    log.warn("Version {} ejected for {} after consecutive failures", version.key(), ejected);
                }
            } else {
                parts.outliers().recordSuccess(version.key());
            }
            return result;
        } finally {
            parts.counters().finished(version.key());
            parts.recorder().record(attempt.finish());
        }
    }

    private Result forward(final ApiRequest request, final Attempt attempt, final Instant deadline,
                           final HttpServletResponse response) throws IOException {
        final VersionConfig version = attempt.version();
        final UpstreamClient.Answer answer;
        try {
            answer = upstream.send(version, request.operation(), request.forVersion(version, parts.json()),
                request.stream(), Duration.between(parts.clock().instant(), deadline));
        } catch (UpstreamClient.TimedOut e) {
            attempt.failed(OutcomeStatus.TIMEOUT, "timeout");
            return failed(FrontDoorException.upstreamTimedOut("Version " + version.version() + " of "
                + version.key().provider() + " did not answer in time"));
        } catch (IOException | IllegalArgumentException e) {
            attempt.failed(OutcomeStatus.UPSTREAM_ERROR, "connect_error");
            return failed(FrontDoorException.upstreamFailed("Could not reach version " + version.version() + " of "
                + version.key().provider() + ": " + e.getClass().getSimpleName()));
        }
        try (answer; InputStream body = answer.body()) {
            attempt.answered(answer.status());
            final boolean success = answer.status() >= 200 && answer.status() < 300;
            if (success && request.stream() && isEventStream(answer)) {
                relayStream(body, answer, attempt, response);
                return new Result.Served();
            }
            if (success || attempt.status() == OutcomeStatus.CLIENT_ERROR) {
                return relayBody(body, answer, attempt, response);
            }
            return failed(FrontDoorException.upstreamFailed("Version " + version.version() + " of "
                + version.key().provider() + " answered HTTP " + answer.status()));
        }
    }

    private static Result failed(final FrontDoorException error) {
        return new Result.Failed(error);
    }

    private Result relayBody(final InputStream body, final UpstreamClient.Answer answer, final Attempt attempt,
                             final HttpServletResponse response) throws IOException {
        final byte[] bytes;
        try {
            bytes = body.readAllBytes();
        } catch (IOException e) {
            attempt.failed(OutcomeStatus.UPSTREAM_ERROR, "read_error");
            return failed(FrontDoorException.upstreamFailed("The upstream's answer broke off: "
                + e.getClass().getSimpleName()));
        }
        if (answer.contentType().map(t -> t.contains("json")).orElse(false)) {
            final UsageScanner usage = new UsageScanner(parts.json());
            usage.acceptBody(bytes);
            attempt.usage(usage.promptTokens(), usage.completionTokens());
        }
        response.setStatus(answer.status());
        response.setContentType(answer.contentType().orElse("application/json"));
        response.setContentLength(bytes.length);
        try {
            response.getOutputStream().write(bytes);
        } catch (IOException e) {
            attempt.failed(OutcomeStatus.CANCELLED, "client_disconnected");
        }
        return new Result.Served();
    }

    private void relayStream(final InputStream body, final UpstreamClient.Answer answer, final Attempt attempt,
                             final HttpServletResponse response) {
        response.setStatus(answer.status());
        response.setContentType(answer.contentType().orElse("text/event-stream"));
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        final UsageScanner usage = new UsageScanner(parts.json());
        final byte[] buffer = new byte[8192];
        try {
            final OutputStream out = response.getOutputStream();
            int read;
            while ((read = readUpstream(body, buffer, attempt)) != -1) {
                attempt.firstToken();
                usage.acceptStream(buffer, 0, read);
                out.write(buffer, 0, read);
                out.flush(); // each chunk reaches the client as soon as the upstream sent it
            }
        } catch (IOException e) {
            attempt.failed(OutcomeStatus.CANCELLED, "client_disconnected");
            log.debug("Client left during a stream from {}", attempt.version().key());
        } catch (UpstreamBrokeOff e) {
            log.debug("Upstream {} broke off a stream: {}", attempt.version().key(), e.getMessage());
        }
        attempt.usage(usage.promptTokens(), usage.completionTokens());
    }

    private static int readUpstream(final InputStream body, final byte[] buffer, final Attempt attempt) {
        try {
            return body.read(buffer);
        } catch (IOException e) {
            attempt.failed(OutcomeStatus.UPSTREAM_ERROR, "stream_interrupted");
            throw new UpstreamBrokeOff(e);
        }
    }

    private static boolean isEventStream(final UpstreamClient.Answer answer) {
        return answer.contentType().map(t -> t.startsWith("text/event-stream")).orElse(false);
    }

    /** The upstream's half of a stream failed after the client got bytes: too late to fail over. */
    private static final class UpstreamBrokeOff extends RuntimeException {
        UpstreamBrokeOff(final IOException cause) {
            super(cause.toString(), cause, false, false);
        }
    }
}
