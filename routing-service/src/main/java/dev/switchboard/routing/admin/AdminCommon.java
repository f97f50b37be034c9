package dev.switchboard.routing.admin;

import dev.switchboard.events.ConfigChange;
import dev.switchboard.events.ExperimentFeedback;
import dev.switchboard.routing.controlplane.ConfigStore;
import dev.switchboard.routing.table.Provider;
import dev.switchboard.routing.table.RoutingTable;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the admin APIs built on events share: finding the provider a body names, audit records, clients' scores. */
final class AdminCommon {

    private static final Logger log = LoggerFactory.getLogger(AdminCommon.class);

    private AdminCommon() {
    }

    /** @throws AdminException (400) unless {@code id} names a configured provider as {@code category/name} */
    static Provider provider(final ConfigStore store, final String id) {
        if (id.contains("/") && store.table().find(id) instanceof RoutingTable.Lookup.Found found) {
            return found.provider();
        }
        throw AdminException.badRequest("'provider' must name a configured provider as {category}/{name}, got '"
            + id + "'");
    }

    /**
     * A client's quality score for one of its requests, written as surely as a change; stats-streams joins it to
     * the request's outcome.
     *
     * @param scoredFor what the score is for, as the feedback topic names it: an experiment, or a rollout
     */
    static ExperimentFeedback recordScore(final ConfigLog configLog, final @Nullable ScoreCommand score,
                                          final String scoredFor, final Instant at, final String instanceId) {
        final ScoreCommand given = Checks.body(score, "request_id (the X-Request-Id answered) and score");
        final ExperimentFeedback feedback = new ExperimentFeedback(given.requestId(), scoredFor, given.score(), at,
            instanceId);
        configLog.commit(configLog.changes().putFeedback(feedback));
        return feedback;
    }

    /**
     * The audit record of a change, with its state before (null when new) and after (null when deleted), each
     * written as its {@code toString()}: the JSON of an event or of an answer.
     */
    static ConfigChange audit(final String actor, final Instant at, final String action, final String subject,
                              final @Nullable Object before, final @Nullable Object after, final String instanceId) {
        log.info("{} by {}: {}", action, actor, subject);
        return ConfigChange.newBuilder().setActor(actor).setAt(at).setAction(action).setSubject(subject)
            .setBefore(before == null ? null : before.toString()).setAfter(after == null ? null : after.toString())
            .setRouterInstance(instanceId).build();
    }
}
