package dev.switchboard.routing.proxy;

import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.routing.outcome.Attempt;
import dev.switchboard.routing.outcome.OutcomeRecorder;
import dev.switchboard.routing.strategy.Selection;
import dev.switchboard.routing.strategy.VersionSelector;
import dev.switchboard.routing.table.Provider;
import dev.switchboard.routing.table.RoutingTable;
import dev.switchboard.routing.table.VersionConfig;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.ObjectMapper;

/**
 * Serves one chat completion: finds the provider, has the selector choose a version, forwards the request with
 * the version's model name, relays the answer (a stream chunk by chunk, never buffered whole) and records one
 * outcome for the attempt whatever happens.
 */
public final class ChatProxy {

    public static final String VERSION_HEADER = "X-Switchboard-Version";
    public static final String ATTEMPTS_HEADER = "X-Switchboard-Attempts";
    public static final String REQUEST_ID_HEADER = "X-Request-Id";

    private static final Logger log = LoggerFactory.getLogger(ChatProxy.class);

    private final Supplier<RoutingTable> table;
    private final VersionSelector selector;
    private final UpstreamClient upstream;
    private final OutcomeRecorder recorder;
    private final ObjectMapper json;
    private final Clock clock;
    private final String instanceId;

    public ChatProxy(final Supplier<RoutingTable> table, final VersionSelector selector,
                     final Duration connectTimeout, final Duration responseTimeout,
                     final OutcomeRecorder recorder, final ObjectMapper json, final Clock clock,
                     final String instanceId) {
        this.table = table;
        this.selector = selector;
        this.upstream = new UpstreamClient(connectTimeout, responseTimeout);
        this.recorder = recorder;
        this.json = json;
        this.clock = clock;
        this.instanceId = instanceId;
    }

    public void handle(final ChatRequest request, final HttpServletResponse response) throws IOException {
        final Provider provider = switch (table.get().find(request.model())) {
            case RoutingTable.Lookup.Found found -> found.provider();
            case RoutingTable.Lookup.Unknown unknown -> throw FrontDoorException.unknownModel(
                "The model '" + request.model() + "' does not name a configured provider");
            case RoutingTable.Lookup.Ambiguous ambiguous -> throw FrontDoorException.invalidRequest(
                "The model '" + request.model() + "' is ambiguous; name one of " + ambiguous.candidates());
        };
        final Selection.Chosen chosen = switch (selector.select(provider)) {
            case Selection.Chosen c -> c;
            case Selection.NoneRoutable none -> throw FrontDoorException.noRoutableVersion(none.why());
        };
        final String requestId = "req-" + UUID.randomUUID();
        response.setHeader(REQUEST_ID_HEADER, requestId);
        response.setHeader(VERSION_HEADER, chosen.version().version());
        response.setHeader(ATTEMPTS_HEADER, "1");
        final Attempt attempt = new Attempt(clock, requestId, chosen.version(), chosen.reason(), 1,
            request.stream(), instanceId);
        try {
            forward(request, attempt, response);
        } finally {
            recorder.record(attempt.finish());
        }
    }

    private void forward(final ChatRequest request, final Attempt attempt, final HttpServletResponse response)
        throws IOException {
        final VersionConfig version = attempt.version();
        final HttpResponse<InputStream> answer = call(request, attempt);
        try (InputStream body = answer.body()) {
            attempt.answered(answer.statusCode());
            final boolean success = answer.statusCode() >= 200 && answer.statusCode() < 300;
            if (success && request.stream() && isEventStream(answer)) {
                relayStream(body, answer, attempt, response);
            } else if (success || attempt.status() == OutcomeStatus.CLIENT_ERROR) {
                relayBody(body, answer, attempt, response);
            } else {
                throw FrontDoorException.upstreamFailed("Version " + version.version() + " of "
                    + version.key().provider() + " answered HTTP " + answer.statusCode());
            }
        }
    }

    private HttpResponse<InputStream> call(final ChatRequest request, final Attempt attempt) {
        final VersionConfig version = attempt.version();
        try {
            return upstream.chatCompletion(version, request.forVersion(version, json), request.stream());
        } catch (HttpTimeoutException e) {
            attempt.failed(OutcomeStatus.TIMEOUT, "timeout");
            throw FrontDoorException.upstreamTimedOut("Version " + version.version() + " of "
                + version.key().provider() + " did not answer in time");
        } catch (IOException e) {
            attempt.failed(OutcomeStatus.UPSTREAM_ERROR, "connect_error");
            throw FrontDoorException.upstreamFailed("Could not reach version " + version.version() + " of "
                + version.key().provider() + ": " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            attempt.failed(OutcomeStatus.CANCELLED, "interrupted");
            throw FrontDoorException.upstreamFailed("The request was interrupted while calling the upstream");
        }
    }

    private void relayBody(final InputStream body, final HttpResponse<InputStream> answer, final Attempt attempt,
                           final HttpServletResponse response) throws IOException {
        final byte[] bytes;
        try {
            bytes = body.readAllBytes();
        } catch (IOException e) {
            attempt.failed(OutcomeStatus.UPSTREAM_ERROR, "read_error");
            throw FrontDoorException.upstreamFailed("The upstream's answer broke off: " + e.getClass().getSimpleName());
        }
        final UsageScanner usage = new UsageScanner(json);
        usage.acceptBody(bytes);
        attempt.usage(usage.promptTokens(), usage.completionTokens());
        response.setStatus(answer.statusCode());
        response.setContentType(answer.headers().firstValue("Content-Type").orElse("application/json"));
        response.setContentLength(bytes.length);
        try {
            response.getOutputStream().write(bytes);
        } catch (IOException e) {
            attempt.failed(OutcomeStatus.CANCELLED, "client_disconnected");
        }
    }

    private void relayStream(final InputStream body, final HttpResponse<InputStream> answer, final Attempt attempt,
                             final HttpServletResponse response) {
        response.setStatus(answer.statusCode());
        response.setContentType(answer.headers().firstValue("Content-Type").orElse("text/event-stream"));
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        final UsageScanner usage = new UsageScanner(json);
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

    private static boolean isEventStream(final HttpResponse<?> answer) {
        return answer.headers().firstValue("Content-Type").map(t -> t.startsWith("text/event-stream")).orElse(false);
    }

    /** The upstream's half of a stream failed; unlike a client's write failure it is the upstream's fault. */
    private static final class UpstreamBrokeOff extends RuntimeException {
        UpstreamBrokeOff(final IOException cause) {
            super(cause.toString(), cause, false, false);
        }
    }
}
