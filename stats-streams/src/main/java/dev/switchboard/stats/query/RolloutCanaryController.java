package dev.switchboard.stats.query;

import dev.switchboard.events.RolloutStep;
import dev.switchboard.rollout.RolloutState;
import dev.switchboard.stats.canary.CanaryDecision;
import dev.switchboard.stats.canary.CanaryEvidence;
import dev.switchboard.stats.rollout.RolloutJudgement;
import dev.switchboard.stats.rollout.RolloutTopology;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/rollouts/{id}/canary}: the canary judge's view of a rollout's current step at this moment, from
 * the instance that judges it: both versions' samples and failures, every gate's estimate with its always-valid
 * interval and state, what the judge would decide, and when it next looks. The router's {@code GET
 * /api/rollouts/{id}} shows it beside the rollout's state.
 */
@RestController
class RolloutCanaryController {

    private final LocalStores stores;
    private final KeyedAnswers answers;
    private final RolloutTopology.Settings settings;
    private final Clock clock;

    RolloutCanaryController(final LocalStores stores, final KeyedAnswers answers,
                            final RolloutTopology.Settings settings, final Clock clock) {
        this.stores = stores;
        this.answers = answers;
        this.settings = settings;
        this.clock = clock;
    }

    @GetMapping("/api/rollouts/{id}/canary")
    ResponseEntity<?> canary(@PathVariable final String id, final HttpServletRequest request) {
        return answers.fromOwner(RolloutTopology.STATES_STORE, id, request, () -> {
            final RolloutState state = stores.rollout(id).orElseThrow(() -> new UnknownNameException("rollout", id));
            final Instant now = clock.instant();
            final RolloutJudgement judgement = RolloutJudgement.at(settings.judge(), state,
                stores.stepTotals(id).orElse(null), now,
                stores.outOfTraffic(state.candidate().toString()));
            final Map<String, Object> body = new LinkedHashMap<>();
            body.put("rollout_id", id);
            body.put("status", state.status().name().toLowerCase(Locale.ROOT));
            body.put("step", state.step() + 1);
            body.put("candidate_percentage", state.candidatePercentage());
            body.put("step_started_at", state.stepStartedAt().toString());
            body.put("revision", state.revision());
            body.put("judged_at", now.toString());
            if (state.status() == RolloutState.Status.RUNNING) {
                final RolloutStep step = state.plan().getSteps().get(state.step());
                final Instant earliest = state.stepStartedAt().plusSeconds(step.getMinimumDurationSeconds());
                body.put("verdict", judgement.action().name().toLowerCase(Locale.ROOT));
                body.put("reason", judgement.reason());
                body.put("next_decision_at", later(now.plus(settings.judgeEvery()), earliest).toString());
                body.put("earliest_promotion_at", earliest.toString());
            }
            body.put("baseline", side(state.plan().getBaseline(), judgement.evidence().baseline()));
            body.put("candidate", side(state.plan().getCandidate(), judgement.evidence().candidate()));
            body.put("gates", judgement.verdict().gates().stream().map(RolloutCanaryController::gate).toList());
            return body;
        });
    }

    private static Map<String, Object> side(final String version, final CanaryEvidence.Side side) {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", version);
        json.put("samples", side.samples());
        json.put("failures", side.failures());
        json.put("error_rate", side.samples() == 0 ? null : (double) side.failures() / side.samples());
        json.put("latency_p95_ms", side.latency().count() == 0 ? null : side.latency().quantile(0.95));
        json.put("time_to_first_token_p95_ms", side.timeToFirstToken().count() == 0 ? null
            : side.timeToFirstToken().quantile(0.95));
        json.put("scores", side.scores().count());
        json.put("score_mean", side.scores().count() == 0 ? null : side.scores().mean());
        return json;
    }

    private static Map<String, Object> gate(final CanaryDecision.GateStatus status) {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("gate", status.gate().describe());
        json.put("metric", status.gate().metric().jsonName());
        json.put("kind", status.gate().kind().name().toLowerCase(Locale.ROOT));
        json.put("limit", status.gate().limit());
        json.put("estimate", finite(status.estimate().value()));
        json.put("low", finite(status.estimate().low()));
        json.put("high", finite(status.estimate().high()));
        json.put("state", status.state().name().toLowerCase(Locale.ROOT));
        return json;
    }

    private static Double finite(final double value) {
        return Double.isFinite(value) ? value : null;
    }

    private static Instant later(final Instant a, final Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
