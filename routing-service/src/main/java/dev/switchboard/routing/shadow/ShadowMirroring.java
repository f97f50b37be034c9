package dev.switchboard.routing.shadow;

import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.events.RequestOutcome;
import dev.switchboard.events.SelectionReason;
import dev.switchboard.events.ShadowComparison;
import dev.switchboard.routing.outcome.Attempt;
import dev.switchboard.routing.outcome.OutcomeRecorder;
import dev.switchboard.routing.strategy.Selection;
import dev.switchboard.routing.table.Provider;
import dev.switchboard.routing.table.ShadowMirror;
import dev.switchboard.routing.table.VersionConfig;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.function.Function;

/**
 * Seed 003's shadow mode: after a client got a successful answer, the provider's shadow candidate gets the same
 * request (its configured share of them), under a limit of shadow calls in flight. The call's outcome is flagged
 * shadow, and a comparison of the two answers (status, latency, tokens, similarity of the texts) is recorded.
 * Nothing of it reaches the client, which has its answer already. A request the client pinned to a version, or one
 * the candidate itself served, is not mirrored.
 */
public final class ShadowMirroring implements AutoCloseable {

    /** The port to a shadow candidate's upstream. */
    @FunctionalInterface
    public interface Upstream {

        /**
         * Sends the request to the attempt's version without blocking, filling in the attempt as the answer comes
         * (status, usage, or the failure), then calls {@code done} exactly once with the answer's bytes, or null
         * when there was none.
         */
        void call(Attempt attempt, Consumer<byte[]> done);
    }

    /**
     * @param clock      times the shadow attempts
     * @param instanceId the router, in the shadow outcomes
     * @param textOf     the text of an answer, for the similarity; null when it has none
     * @param percentile a uniform draw in [0, 100) per request, against the mirrored share
     */
    public record Settings(int maxInFlight, Clock clock, String instanceId, Function<byte[], String> textOf,
                           DoubleSupplier percentile) {
    }

    private final Settings settings;
    private final OutcomeRecorder recorder;
    private final ShadowCalls calls;
    private final ExecutorService scoring;

    public ShadowMirroring(final Settings settings, final OutcomeRecorder recorder) {
        this.settings = settings;
        this.recorder = recorder;
        this.calls = new ShadowCalls(settings.maxInFlight());
        this.scoring = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("shadow-scoring-", 0).factory());
    }

    /** Whether the provider mirrors at all: only then is the client's answer kept for the comparison. */
    public static boolean mirrors(final Provider provider) {
        return provider.policy().shadow().isPresent();
    }

    /**
     * After the client was answered: mirrors the request to the provider's shadow candidate if it is to be.
     *
     * @param baseline       the outcome of the attempt that answered the client
     * @param baselineAnswer what the client got, or null when it was not kept
     */
    public void afterServed(final Provider provider, final RequestOutcome baseline, final byte[] baselineAnswer,
                            final Upstream upstream) {
        final Optional<ShadowMirror> mirror = provider.policy().shadow();
        if (baseline.getStatus() != OutcomeStatus.SUCCESS || mirror.isEmpty()
            || baseline.getSelectionReason() == SelectionReason.PINNED
            || mirror.get().candidate().equals(baseline.getVersion())
            || settings.percentile().getAsDouble() >= mirror.get().percentage()) {
            return;
        }
        final Optional<VersionConfig> candidate = provider.version(mirror.get().candidate());
        if (candidate.isEmpty() || !calls.tryStart()) {
            return;
        }
        final Attempt attempt = new Attempt(settings.clock(), baseline.getRequestId(),
            new Selection.Chosen(candidate.get(), baseline.getSelectionReason()), 1, baseline.getStreamed(),
            settings.instanceId()).shadow();
        upstream.call(attempt, candidateAnswer -> compare(baseline, baselineAnswer, attempt, candidateAnswer));
    }

    /**
     * Records the shadow outcome at once; reading both answers and scoring them is CPU work the baseline's clients
     * need not queue behind on the event loop, so it runs on a virtual thread of its own and holds its shadow slot
     * until done: the limit bounds the answers kept for scoring too.
     */
    private void compare(final RequestOutcome baseline, final byte[] baselineAnswer, final Attempt attempt,
                         final byte[] candidateAnswer) {
        final RequestOutcome outcome = attempt.finish();
        recorder.record(outcome);
        try {
            scoring.execute(() -> {
                try {
                    recorder.recordComparison(comparison(baseline, outcome, AnswerSimilarity.of(
                        settings.textOf().apply(baselineAnswer), settings.textOf().apply(candidateAnswer))));
                } finally {
                    calls.finished();
                }
            });
        } catch (RejectedExecutionException e) {
            calls.finished(); // the router is closing: this comparison is not scored
        }
    }

    static ShadowComparison comparison(final RequestOutcome baseline, final RequestOutcome candidate,
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

    /** Shadow calls started since start. */
    public long started() {
        return calls.started();
    }

    /** Requests not mirrored because the limit of shadow calls in flight was reached. */
    public long skipped() {
        return calls.skipped();
    }

    /** Lets the comparisons being scored finish and be recorded. */
    @Override
    public void close() {
        scoring.close();
    }
}
