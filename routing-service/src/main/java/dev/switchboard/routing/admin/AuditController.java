package dev.switchboard.routing.admin;

import dev.switchboard.events.ConfigChange;
import dev.switchboard.routing.controlplane.AuditTrail;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The configuration history (behind the admin token): who changed what and when, with the state before and after
 * (secrets masked when the change was written), newest first, from the audit topic.
 */
@RestController
class AuditController {

    static final int MAX_LIMIT = 1000;

    private final AuditTrail trail;
    private final ObjectMapper json;

    AuditController(final AuditTrail trail, final ObjectMapper json) {
        this.trail = trail;
        this.json = json;
    }

    /**
     * @param limit   the most changes answered; the newest {@code limit} records of each partition are read
     * @param subject only the changes of this subject ({@code category/name}, {@code category/name/version}, a
     *                rollout or experiment id) and of what lies under it, among the records read
     */
    /** A page of the history, newest first; {@code undecodable} counts the records that could not be read. */
    record AuditPage(List<AuditEntry> data, int total, long undecodable) {
    }

    /** One change: {@code before} and {@code after} are the JSON it recorded (text, if a record held no JSON). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record AuditEntry(Instant at, String actor, String action, String subject, @Nullable Object before,
                 @Nullable Object after, String routerInstance) {
    }

    @GetMapping("/api/audit")
    AuditPage changes(@RequestParam(defaultValue = "200") final int limit,
                 @RequestParam(required = false) final @Nullable String subject) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw AdminException.badRequest("'limit' must be from 1 to " + MAX_LIMIT + ", got " + limit);
        }
        final Optional<String> wanted = Optional.ofNullable(subject).filter(s -> !s.isBlank());
        final AuditTrail.Found found = trail.newest(limit, change -> wanted
            .map(s -> change.getSubject().equals(s) || change.getSubject().startsWith(s + "/")).orElse(true));
        return new AuditPage(found.changes().stream().map(this::entry).toList(), found.changes().size(),
            found.undecodable());
    }

    private AuditEntry entry(final ConfigChange change) {
        return new AuditEntry(change.getAt(), change.getActor(), change.getAction(), change.getSubject(),
            parsed(json, change.getBefore()), parsed(json, change.getAfter()), change.getRouterInstance());
    }

    /** The JSON a change recorded, as JSON; a text that is not JSON stays text. */
    static @Nullable Object parsed(final ObjectMapper json, final @Nullable String recorded) {
        if (recorded == null) {
            return null;
        }
        try {
            return json.readTree(recorded);
        } catch (JacksonException e) {
            return recorded;
        }
    }
}
