package dev.switchboard.routing.admin;

import dev.switchboard.common.security.Operator;
import dev.switchboard.events.ExperimentFeedback;
import dev.switchboard.routing.RoutingProperties;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;

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

    @ApiResponse(responseCode = "201", description = "Created")
    @ApiResponse(responseCode = "202", description = ProposalAnswer.DESCRIPTION,
        content = @Content(schema = @Schema(implementation = ProposalAnswer.class)))
    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    AdminAnswer<RolloutView> create(@RequestBody(required = false) final @Nullable RolloutCommand body,
                                                    final Operator operator) {
        return new AdminAnswer<>(RolloutView.of(admin.create(Authority.of(operator), body)));
    }

    @GetMapping
    AdminAnswer<List<RolloutView>> list(@RequestParam(required = false) final @Nullable String provider,
                                        @RequestParam(required = false) final @Nullable String status) {
        return new AdminAnswer<>(admin.list(Optional.ofNullable(provider), Optional.ofNullable(status)).stream()
            .map(RolloutView::of).toList());
    }

    @GetMapping("/{id}")
    AdminAnswer<RolloutView> get(@PathVariable final String id,
                                 @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false)
                                 final @Nullable String token) {
        return new AdminAnswer<>(RolloutView.of(admin.get(id), judge(id, token)));
    }

    /** {@code {"reason": "..."}}, optional: what the decision log says the operator decided for. */
    record DecisionReason(@Nullable String reason) {
    }

    @ApiResponse(responseCode = "200", description = "OK")
    @ApiResponse(responseCode = "202", description = ProposalAnswer.DESCRIPTION,
        content = @Content(schema = @Schema(implementation = ProposalAnswer.class)))
    @PostMapping("/{id}/{action:pause|resume|abort|promote}")
    AdminAnswer<RolloutView> act(@PathVariable final String id, @PathVariable final String action,
                                 @RequestBody(required = false) final @Nullable DecisionReason body,
                                 final Operator operator) {
        return new AdminAnswer<>(RolloutView.of(admin.act(Authority.of(operator), id, action, body == null ? null : body.reason())));
    }

    /** A client's quality score for a request the rollout served, for its quality-score gates. */
    @PostMapping("/{id}/feedback")
    @ResponseStatus(HttpStatus.ACCEPTED)
    AdminAnswer<RolloutView.RolloutScore> feedback(@PathVariable final String id,
                                                   @RequestBody(required = false) final @Nullable ScoreCommand body) {
        final ExperimentFeedback feedback = admin.feedback(id, body);
        return new AdminAnswer<>(new RolloutView.RolloutScore(id, feedback.getRequestId(), feedback.getScore()));
    }

    /** The canary judge's view now, from stats-streams; the rollout's state above stands without it. */
    private Map<String, Object> judge(final String id, final @Nullable String token) {
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
}
