package dev.switchboard.stats.daily;

import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.events.RequestOutcome;
import dev.switchboard.events.SelectionReason;
import java.time.Instant;

/**
 * What the stats read of a {@code RequestOutcome}: its figures, and for an experiment's outcome its request id
 * (which joins client feedback), and for a rollout's too, without the identifiers (router, model name, names...) that no total needs. The live topology decodes only these fields ({@link OutcomeFactsDeserializer});
 * decoding whole outcomes took a third of its time.
 */
public record OutcomeFacts(String requestId, Instant eventTime, OutcomeStatus status, int httpStatus, long latencyMs,
                           Long timeToFirstTokenMs, Integer promptTokens, Integer completionTokens, boolean streamed,
                           int attempt, SelectionReason selectionReason, boolean shadow, String experiment,
                           String arm, Double cost) {

    /**
     * Whether a client's score may be joined to the outcome by its request id: experiments' outcomes and rollouts'
     * (chosen by the sticky split). Other outcomes leave it out, which spares the fold a string per outcome.
     */
    static boolean keepsRequestId(final String experiment, final SelectionReason reason) {
        return experiment != null || reason == SelectionReason.STICKY_ROLLOUT;
    }

    public static OutcomeFacts of(final RequestOutcome outcome) {
        return new OutcomeFacts(keepsRequestId(outcome.getExperiment(), outcome.getSelectionReason())
                ? outcome.getRequestId() : null,
            outcome.getEventTime(), outcome.getStatus(), outcome.getHttpStatus(),
            outcome.getLatencyMs(), outcome.getTimeToFirstTokenMs(), outcome.getPromptTokens(),
            outcome.getCompletionTokens(), outcome.getStreamed(), outcome.getAttempt(), outcome.getSelectionReason(),
            outcome.getShadow(), outcome.getExperiment(), outcome.getArm(), outcome.getCost());
    }
}
