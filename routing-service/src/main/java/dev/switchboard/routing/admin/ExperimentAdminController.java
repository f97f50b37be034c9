package dev.switchboard.routing.admin;

import dev.switchboard.common.security.Operator;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

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
    @ResponseStatus(HttpStatus.CREATED)
    AdminAnswer<ExperimentView> create(@RequestBody(required = false) final @Nullable
                                                       ExperimentCommand body,
                                                       final Operator operator) {
        return new AdminAnswer<>(ExperimentView.of(admin.create(operator.name(), body)));
    }

    @GetMapping
    AdminAnswer<List<ExperimentView>> list(@RequestParam(required = false) final @Nullable String provider,
                                           @RequestParam(required = false) final @Nullable String status) {
        return new AdminAnswer<>(admin.list(Optional.ofNullable(provider), Optional.ofNullable(status)).stream()
            .map(ExperimentView::of).toList());
    }

    @GetMapping("/{name}")
    AdminAnswer<ExperimentView> get(@PathVariable final String name) {
        return new AdminAnswer<>(ExperimentView.of(admin.get(name)));
    }

    @PostMapping("/{name}/{action:start|pause|stop}")
    AdminAnswer<ExperimentView> change(@PathVariable final String name, @PathVariable final String action,
                                       final Operator operator) {
        return new AdminAnswer<>(ExperimentView.of(admin.change(operator.name(), name, action)));
    }

    /** Adds an arm to a running adaptive experiment: {@code {"arm": "model_d", "version": "v4"}}. */
    @PostMapping("/{name}/arms")
    AdminAnswer<ExperimentView> addArm(@PathVariable final String name,
                                       @RequestBody(required = false) final @Nullable ArmCommand body,
                                       final Operator operator) {
        return new AdminAnswer<>(ExperimentView.of(admin.addArm(operator.name(), name, body)));
    }

    /** Seed 002's client feedback: a quality score for one request, by the {@code X-Request-Id} it was answered. */
    @PostMapping("/{name}/feedback")
    @ResponseStatus(HttpStatus.ACCEPTED)
    AdminAnswer<ExperimentView.ExperimentScore> feedback(@PathVariable final String name,
                                                                @RequestBody(required = false) final @Nullable
                                                                ScoreCommand body) {
        return new AdminAnswer<>(ExperimentView.ExperimentScore.of(name, admin.feedback(name, body)));
    }
}
