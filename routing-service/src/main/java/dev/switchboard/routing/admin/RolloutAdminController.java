package dev.switchboard.routing.admin;

import dev.switchboard.events.ExperimentFeedback;
import dev.switchboard.events.Rollout;
import dev.switchboard.events.RolloutDecision;
import dev.switchboard.events.RolloutGate;
import dev.switchboard.events.RolloutStep;
import dev.switchboard.rollout.RolloutState;
import dev.switchboard.routing.RoutingProperties;
import dev.switchboard.routing.rollout.RolloutBoard;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.JsonNode;

/**
 * The rollouts API (behind the admin token): create a plan; list; read one with its step, the split, its decisions
 * and the canary judge's current view (every gate's estimate and interval, when it next decides) from stats-streams;
 * and the operators' decisions {@code pause}, {@code resume}, {@code abort} and {@code promote}.
 */
@RestController
@RequestMapping("/api/rollouts")
class RolloutAdminController {

    private static final Logger log = LoggerFactory.getLogger(RolloutAdminController.class);
    private static final Duration JUDGE_TIMEOUT = Duration.ofSeconds(3);

    private final RolloutAdmin admin;
    private final WebClient stats;
    private final URI statsUrl;

    RolloutAdminController(final RolloutAdmin admin, final ReactorResourceFactory resources,
                           final RoutingProperties routing) {
        this.admin = admin;
        this.statsUrl = routing.statsUrl();
        this.stats = WebClient.builder().clientConnector(new ReactorClientHttpConnector(resources, c -> c))
            .baseUrl(routing.statsUrl().toString()).build();
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
            .map(RolloutAdminController::view).toList());
    }

    @GetMapping("/{id}")
    Map<String, Object> get(@PathVariable final String id,
                            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) final String token) {
        final RolloutBoard.Entry entry = admin.get(id);
        final Map<String, Object> view = view(entry);
        view.put("decisions", decisions(entry));
        view.put("holds", entry.holds().stream().map(RolloutAdminController::decision).toList());
        view.put("judge", judge(id, token));
        return Map.of("data", view);
    }

    @PostMapping("/{id}/{action:pause|resume|abort|promote}")
    Map<String, Object> act(@PathVariable final String id, @PathVariable final String action,
                            @RequestBody(required = false) final JsonNode body,
                            @RequestHeader(value = ProviderAdminController.ACTOR_HEADER, defaultValue = "admin")
                            final String actor) {
        final String reason = body == null || !body.path("reason").isString() ? null : body.path("reason").asString();
        return Map.of("data", view(admin.act(actor, id, action, reason)));
    }

    /** A client's quality score for a request the rollout served, for its quality-score gates. */
    @PostMapping("/{id}/feedback")
    ResponseEntity<Map<String, Object>> feedback(@PathVariable final String id,
                                                 @RequestBody(required = false) final JsonNode body) {
        final ExperimentFeedback feedback = admin.feedback(id, body);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("data", Map.of("rollout_id", id,
            "request_id", feedback.getRequestId(), "score", feedback.getScore())));
    }

    /** The canary judge's view now, from stats-streams; the rollout's state above stands without it. */
    private Map<String, Object> judge(final String id, final String token) {
        try {
            @SuppressWarnings("unchecked")
            final Map<String, Object> answer = stats.get().uri("/api/rollouts/{id}/canary", id)
                .headers(h -> Optional.ofNullable(token).ifPresent(t -> h.set(HttpHeaders.AUTHORIZATION, t)))
                .retrieve().bodyToMono(Map.class).block(JUDGE_TIMEOUT);
            return answer;
        } catch (RuntimeException e) {
            log.debug("stats-streams did not give rollout {}'s canary view: {}", id, e.toString());
            return Map.of("unavailable", "stats-streams at " + statsUrl + " did not answer ("
                + e.getClass().getSimpleName() + "); the rollout's state above is this router's own");
        }
    }

    static Map<String, Object> view(final RolloutBoard.Entry entry) {
        final RolloutState state = entry.state();
        final Rollout plan = state.plan();
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("rollout_id", plan.getId());
        json.put("provider", state.provider());
        json.put("baseline", plan.getBaseline());
        json.put("candidate", plan.getCandidate());
        json.put("status", RolloutAdmin.status(state.status()));
        json.put("step", state.step() + 1);
        json.put("steps_total", plan.getSteps().size());
        final double candidate = state.candidatePercentage();
        final Map<String, Double> weights = new LinkedHashMap<>();
        weights.put(plan.getBaseline(), 100 - candidate);
        weights.put(plan.getCandidate(), candidate);
        json.put("weights", weights);
        json.put("step_started_at", state.stepStartedAt().toString());
        json.put("revision", state.revision());
        json.put("steps", plan.getSteps().stream().map(RolloutAdminController::step).toList());
        json.put("gates", plan.getGates().stream().map(RolloutAdminController::gate).toList());
        json.put("on_failure", plan.getOnFailure().name().toLowerCase(Locale.ROOT));
        json.put("declared_in", plan.getDeclaredIn().name().toLowerCase(Locale.ROOT));
        json.put("created_by", plan.getCreatedBy());
        json.put("created_at", plan.getCreatedAt().toString());
        json.put("changed_at", entry.changedAt().toString());
        return json;
    }

    private static Map<String, Object> step(final RolloutStep step) {
        return Map.of("percentage", step.getPercentage(), "minimum_duration_seconds",
            step.getMinimumDurationSeconds(), "minimum_sample", step.getMinimumSample());
    }

    private static Map<String, Object> gate(final RolloutGate gate) {
        return Map.of("metric", gate.getMetric().name().toLowerCase(Locale.ROOT),
            "kind", gate.getKind().name().toLowerCase(Locale.ROOT), "limit", gate.getLimit());
    }

    private static Map<String, Object> decision(final RolloutDecision decision) {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("action", decision.getAction().name().toLowerCase(Locale.ROOT));
        json.put("step", decision.getStep() + 1);
        json.put("revision", decision.getRevision());
        json.put("reason", decision.getReason());
        json.put("decided_by", decision.getDecidedBy());
        json.put("decided_at", decision.getDecidedAt().toString());
        json.put("failed_gate", decision.getFailedGate());
        if (decision.getEvidence() != null) {
            json.put("baseline_samples", decision.getEvidence().getBaselineSamples());
            json.put("baseline_failures", decision.getEvidence().getBaselineFailures());
            json.put("candidate_samples", decision.getEvidence().getCandidateSamples());
            json.put("candidate_failures", decision.getEvidence().getCandidateFailures());
            json.put("in_step_ms", decision.getEvidence().getInStepMs());
            json.put("gates", decision.getEvidence().getGates().stream().map(gate -> {
                final Map<String, Object> status = new LinkedHashMap<>();
                status.put("gate", gate.getGate());
                status.put("estimate", finite(gate.getEstimate()));
                status.put("low", finite(gate.getLow()));
                status.put("high", finite(gate.getHigh()));
                status.put("state", gate.getState().name().toLowerCase(Locale.ROOT));
                return status;
            }).toList());
        }
        return json;
    }

    /** NaN (no data yet) and infinities are not JSON numbers: they answer null. */
    private static Double finite(final double value) {
        return Double.isFinite(value) ? value : null;
    }

    static List<Map<String, Object>> decisions(final RolloutBoard.Entry entry) {
        return entry.history().stream().map(RolloutAdminController::decision).toList();
    }
}
