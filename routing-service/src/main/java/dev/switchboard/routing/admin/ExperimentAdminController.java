package dev.switchboard.routing.admin;

import dev.switchboard.events.Experiment;
import dev.switchboard.events.ExperimentArm;
import dev.switchboard.events.ExperimentFeedback;
import dev.switchboard.schemas.ExperimentSchedule;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Seed 002's experiments API (behind the admin token): create with seed 002's fields (and the provider whose
 * versions are the arms), list, read, start, pause, stop. Results are stats-streams' work; the router relays
 * {@code GET /api/experiments/{name}/results} to it ({@link ApiRelay}).
 */
@RestController
@RequestMapping("/api/experiments")
class ExperimentAdminController {

    private final ExperimentAdmin admin;

    ExperimentAdminController(final ExperimentAdmin admin) {
        this.admin = admin;
    }

    @PostMapping
    ResponseEntity<Map<String, Object>> create(@RequestBody(required = false) final JsonNode body,
                                               @RequestHeader(value = ProviderAdminController.ACTOR_HEADER,
                                                   defaultValue = "admin") final String actor) {
        return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("data", view(admin.create(actor, body))));
    }

    @GetMapping
    Map<String, Object> list(@RequestParam(required = false) final String provider,
                             @RequestParam(required = false) final String status) {
        return Map.of("data", admin.list(Optional.ofNullable(provider), Optional.ofNullable(status)).stream()
            .map(ExperimentAdminController::view).toList());
    }

    @GetMapping("/{name}")
    Map<String, Object> get(@PathVariable final String name) {
        return Map.of("data", view(admin.get(name)));
    }

    @PostMapping("/{name}/{action:start|pause|stop}")
    Map<String, Object> change(@PathVariable final String name, @PathVariable final String action,
                               @RequestHeader(value = ProviderAdminController.ACTOR_HEADER, defaultValue = "admin")
                               final String actor) {
        return Map.of("data", view(admin.change(actor, name, action)));
    }

    /** Seed 002's client feedback: a quality score for one request, by the {@code X-Request-Id} it was answered. */
    @PostMapping("/{name}/feedback")
    ResponseEntity<Map<String, Object>> feedback(@PathVariable final String name,
                                                 @RequestBody(required = false) final JsonNode body) {
        final ExperimentFeedback feedback = admin.feedback(name, body);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("data", Map.of("experiment_name", name,
            "request_id", feedback.getRequestId(), "score", feedback.getScore())));
    }

    /** Seed 002's field names; the salt stays inside (it would let anyone compute who is in which arm). */
    static Map<String, Object> view(final Experiment e) {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("experiment_name", e.getName());
        json.put("provider", e.getCategory() + "/" + e.getProvider());
        final Map<String, String> arms = new LinkedHashMap<>();
        final Map<String, Double> split = new LinkedHashMap<>();
        for (final ExperimentArm arm : e.getArms()) {
            arms.put(arm.getName(), arm.getVersion());
            split.put(arm.getName(), arm.getShare());
        }
        json.put("model_a", arms.get("model_a"));
        json.put("model_b", arms.get("model_b"));
        json.put("arms", arms);
        json.put("traffic_split", split);
        json.put("success_metric", e.getSuccessMetric().name().toLowerCase(Locale.ROOT));
        json.put("duration_days", e.getDurationDays());
        json.put("minimum_sample", e.getMinimumSample());
        json.put("minimum_detectable_effect", e.getMinimumDetectableEffect());
        json.put("alpha", e.getAlpha());
        json.put("power", e.getPower());
        json.put("status", ExperimentAdmin.status(e.getStatus()));
        json.put("created_by", e.getCreatedBy());
        json.put("created_at", e.getCreatedAt().toString());
        json.put("started_at", e.getStartedAt() == null ? null : e.getStartedAt().toString());
        json.put("ends_at", e.getStartedAt() == null ? null : ExperimentSchedule.endsAt(e).toString());
        return json;
    }
}
