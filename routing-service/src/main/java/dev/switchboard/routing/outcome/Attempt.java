package dev.switchboard.routing.outcome;

import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.events.RequestOutcome;
import dev.switchboard.events.SelectionReason;
import dev.switchboard.routing.strategy.Selection;
import dev.switchboard.routing.table.VersionConfig;
import java.time.Clock;
import java.time.Instant;
import java.util.OptionalDouble;
import org.jspecify.annotations.Nullable;

/**
 * The facts of one attempt against one version, gathered while it runs and turned into one
 * {@link RequestOutcome}. Used by one request thread at a time.
 */
public final class Attempt {

    private final String requestId;
    private final VersionConfig version;
    private final SelectionReason reason;
    private final int number;
    private final boolean streamed;
    private final String routerInstance;
    private final @Nullable String subjectHash;
    private final @Nullable String experiment;
    private final @Nullable String arm;
    private final Instant startedAt;
    private boolean shadow;
    private final long startNanos;
    private OutcomeStatus status = OutcomeStatus.UNKNOWN;
    private boolean finished;
    private int httpStatus;
    private @Nullable String errorType;
    private @Nullable Long firstTokenNanos;
    private @Nullable Integer promptTokens;
    private @Nullable Integer completionTokens;
    private @Nullable Integer inputCharacters;

    public Attempt(final Clock clock, final String requestId, final Selection.Chosen chosen, final int number,
                   final boolean streamed, final String routerInstance) {
        this.requestId = requestId;
        this.version = chosen.version();
        this.reason = chosen.reason();
        this.number = number;
        this.streamed = streamed;
        this.routerInstance = routerInstance;
        this.subjectHash = chosen.subjectHash();
        this.experiment = chosen.experiment();
        this.arm = chosen.arm();
        this.startedAt = clock.instant();
        this.startNanos = System.nanoTime();
    }

    /** Marks a shadow call (seed 003): an answer no client got, left out of the served traffic's stats. */
    public Attempt shadow() {
        shadow = true;
        return this;
    }

    public VersionConfig version() {
        return version;
    }

    public OutcomeStatus status() {
        return status;
    }

    public void answered(final int upstreamStatus) {
        httpStatus = upstreamStatus;
        status = classify(upstreamStatus);
        if (status != OutcomeStatus.SUCCESS) {
            errorType = "http_" + upstreamStatus;
        }
    }

    public void firstToken() {
        if (firstTokenNanos == null) {
            firstTokenNanos = System.nanoTime();
        }
    }

    public void usage(final @Nullable Integer prompt, final @Nullable Integer completion) {
        promptTokens = prompt;
        completionTokens = completion;
    }

    /** A speech request's input length, in characters: what text-to-speech prices. */
    public void inputCharacters(final @Nullable Integer characters) {
        inputCharacters = characters;
    }

    public void failed(final OutcomeStatus failure, final String type) {
        status = failure;
        errorType = type;
    }

    public int number() {
        return number;
    }

    /** True when the version is to blame: the outlier detector counts it and the request may fail over. */
    public boolean versionFailed() {
        return (status == OutcomeStatus.UPSTREAM_ERROR && httpStatus != 429) || status == OutcomeStatus.TIMEOUT;
    }

    /** 2xx succeeded; 429 and 5xx are the upstream's failures; other 4xx are the client's. */
    static OutcomeStatus classify(final int httpStatus) {
        if (httpStatus >= 200 && httpStatus < 300) {
            return OutcomeStatus.SUCCESS;
        }
        if (httpStatus == 429 || httpStatus >= 500) {
            return OutcomeStatus.UPSTREAM_ERROR;
        }
        return httpStatus >= 400 ? OutcomeStatus.CLIENT_ERROR : OutcomeStatus.UPSTREAM_ERROR;
    }

    /** Whether {@link #finish()} made its outcome already: an attempt has one outcome. */
    public boolean isFinished() {
        return finished;
    }

    public RequestOutcome finish() {
        finished = true;
        final long now = System.nanoTime();
        // Filled in through the record's own setters, every field: the builder validated each value against the
        // schema and copied its defaults, work the serializer does again anyway, on every request.
        final RequestOutcome outcome = new RequestOutcome();
        outcome.setRequestId(requestId);
        outcome.setEventTime(startedAt);
        outcome.setCategory(version.key().category());
        outcome.setName(version.key().name());
        outcome.setVersion(version.version());
        outcome.setModelName(version.modelName());
        outcome.setSelectionReason(reason);
        outcome.setSubjectHash(subjectHash);
        outcome.setExperiment(experiment);
        outcome.setArm(arm);
        outcome.setStatus(status);
        outcome.setHttpStatus(httpStatus);
        outcome.setErrorType(errorType);
        outcome.setLatencyMs(millis(now - startNanos));
        outcome.setTimeToFirstTokenMs(firstTokenNanos == null ? null : millis(firstTokenNanos - startNanos));
        outcome.setPromptTokens(promptTokens);
        outcome.setCompletionTokens(completionTokens);
        outcome.setStreamed(streamed);
        outcome.setAttempt(number);
        outcome.setShadow(shadow);
        outcome.setRouterInstance(routerInstance);
        outcome.setCost(cost());
        return outcome;
    }

    /**
     * What the attempt cost at its version's prices: for an answered attempt only (providers do not charge for a
     * call they failed), and none when the version is not priced or a token count its prices need is missing.
     */
    private @Nullable Double cost() {
        if (status != OutcomeStatus.SUCCESS || version.prices().isEmpty()) {
            return null;
        }
        final OptionalDouble cost = version.prices().get().cost(promptTokens, completionTokens, inputCharacters);
        return cost.isPresent() ? cost.getAsDouble() : null;
    }

    private static long millis(final long nanos) {
        return nanos / 1_000_000;
    }
}
