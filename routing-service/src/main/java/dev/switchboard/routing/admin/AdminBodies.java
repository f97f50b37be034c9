package dev.switchboard.routing.admin;

import dev.switchboard.common.kafka.CompactedTopicView;
import dev.switchboard.events.ConfigChange;
import dev.switchboard.events.ExperimentFeedback;
import dev.switchboard.routing.controlplane.ConfigStore;
import dev.switchboard.routing.controlplane.ConfigWriter;
import dev.switchboard.routing.table.Provider;
import dev.switchboard.routing.table.RoutingTable;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * What the admin APIs built on events share: reading a JSON body field by field with errors that name the field,
 * and writing a change so that the writer's own view has it before the answer goes out (read your writes).
 */
final class AdminBodies {

    private static final Logger log = LoggerFactory.getLogger(AdminBodies.class);
    private static final Duration SEEN_TIMEOUT = Duration.ofSeconds(5);

    private AdminBodies() {
    }

    /** @throws AdminException (400) unless the body is an object with only {@code allowed} fields */
    static JsonNode object(final JsonNode body, final Set<String> allowed, final String expected) {
        if (body == null || !body.isObject()) {
            throw AdminException.badRequest("The body must be a JSON object with " + expected);
        }
        for (final Iterator<String> names = body.propertyNames().iterator(); names.hasNext(); ) {
            final String field = names.next();
            if (!allowed.contains(field)) {
                throw AdminException.badRequest("Unknown field '" + field + "'; the fields are " + allowed);
            }
        }
        return body;
    }

    static String text(final JsonNode body, final String field) {
        final JsonNode value = body.path(field);
        if (!value.isString() || value.asString().isBlank()) {
            throw AdminException.badRequest("'" + field + "' is required, as a string");
        }
        return value.asString();
    }

    static String optionalText(final JsonNode body, final String field) {
        return body.path(field).isMissingNode() || body.path(field).isNull() ? null : text(body, field);
    }

    /** @param fallback the value when the field is absent; NaN when it is required */
    static double number(final JsonNode body, final String field, final double fallback, final double min,
                         final double max) {
        final JsonNode value = body.path(field);
        if (value.isMissingNode() && !Double.isNaN(fallback)) {
            return fallback;
        }
        if (!value.isNumber() || value.asDouble() < min || value.asDouble() > max) {
            throw AdminException.badRequest("'" + field + "' must be a number from " + min + " to " + max);
        }
        return value.asDouble();
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
     * A client's quality score for one of its requests ({@code request_id}, the {@code X-Request-Id} it was answered
     * with, and {@code score}), written as surely as a change; stats-streams joins it to the request's outcome.
     *
     * @param scoredFor what the score is for, as the feedback topic names it: an experiment, or a rollout
     */
    static ExperimentFeedback recordScore(final ConfigWriter writer, final JsonNode body, final String scoredFor,
                                          final Instant at, final String instanceId) {
        object(body, Set.of("request_id", "score"), "request_id (the X-Request-Id answered) and score");
        final ExperimentFeedback feedback = new ExperimentFeedback(text(body, "request_id"), scoredFor,
            number(body, "score", Double.NaN, -1e9, 1e9), at, instanceId);
        writer.commit(writer.changes().putFeedback(feedback));
        return feedback;
    }

    /** The audit record of a change to an event-kept definition, with its state before (null when new) and after. */
    static ConfigChange audit(final String actor, final Instant at, final String action, final String subject,
                              final Object before, final Object after, final String instanceId) {
        log.info("{} by {}: {}", action, actor, subject); // as provider changes are logged
        return ConfigChange.newBuilder().setActor(actor).setAt(at).setAction(action).setSubject(subject)
            .setBefore(before == null ? null : before.toString()).setAfter(after.toString())
            .setRouterInstance(instanceId).build();
    }

    /** Commits the change, then waits (a few seconds at most) until {@code view} has read what was written to it. */
    static void commitAndAwait(final ConfigWriter writer, final ConfigWriter.ChangeSet changes,
                               final CompactedTopicView<?> view, final String topic) {
        final Map<TopicPartition, Long> seen = new LinkedHashMap<>();
        writer.commit(changes).forEach((partition, end) -> {
            if (partition.topic().equals(topic)) {
                seen.put(partition, end);
            }
        });
        try {
            view.awaitPositions(seen, SEEN_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
