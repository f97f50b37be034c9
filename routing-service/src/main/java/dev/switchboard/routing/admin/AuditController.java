package dev.switchboard.routing.admin;

import dev.switchboard.events.ConfigChange;
import dev.switchboard.routing.controlplane.AuditTrail;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;

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
    @GetMapping("/api/audit")
    Map<String, Object> changes(@RequestParam(defaultValue = "200") final int limit,
                                @RequestParam(required = false) final String subject) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw AdminException.badRequest("'limit' must be from 1 to " + MAX_LIMIT + ", got " + limit);
        }
        final Optional<String> wanted = Optional.ofNullable(subject).filter(s -> !s.isBlank());
        final AuditTrail.Found found = trail.newest(limit, change -> wanted
            .map(s -> change.getSubject().equals(s) || change.getSubject().startsWith(s + "/")).orElse(true));
        final Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("data", found.changes().stream().map(this::view).toList());
        answer.put("total", found.changes().size());
        answer.put("undecodable", found.undecodable());
        return answer;
    }

    private Map<String, Object> view(final ConfigChange change) {
        final Map<String, Object> view = new LinkedHashMap<>();
        view.put("at", change.getAt().toString());
        view.put("actor", change.getActor());
        view.put("action", change.getAction());
        view.put("subject", change.getSubject());
        view.put("before", parsed(change.getBefore()));
        view.put("after", parsed(change.getAfter()));
        view.put("router_instance", change.getRouterInstance());
        return view;
    }

    /** The JSON a change recorded, as JSON; a text that is not JSON stays text. */
    private Object parsed(final String recorded) {
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
