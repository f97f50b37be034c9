package dev.switchboard.stats.query;

import dev.switchboard.events.Experiment;
import dev.switchboard.events.ExperimentMode;
import dev.switchboard.schemas.ExperimentSchedule;
import dev.switchboard.stats.experiment.ExperimentAnalysis;
import dev.switchboard.stats.experiment.ExperimentDay;
import dev.switchboard.stats.experiment.ExperimentDesign;
import dev.switchboard.stats.experiment.stream.ExperimentDesigns;
import dev.switchboard.stats.experiment.stream.ExperimentTopology;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Seed 002's {@code GET /api/experiments/{name}/results}: each arm's estimates, each candidate against the
 * control, the sample-ratio check and the verdict, from the experiment's first day to today. Asked of the
 * instance that holds the experiment, like a version's stats.
 */
@RestController
class ExperimentResultsController {

    private final LocalStores stores;
    private final KeyedAnswers answers;
    private final Clock clock;

    ExperimentResultsController(final LocalStores stores, final KeyedAnswers answers, final Clock clock) {
        this.stores = stores;
        this.answers = answers;
        this.clock = clock;
    }

    @GetMapping("/api/experiments/{name}/results")
    ResponseEntity<?> results(@PathVariable final String name, final HttpServletRequest request) {
        final Experiment experiment = stores.experiment(name)
            .orElseThrow(() -> new UnknownNameException("experiment", name));
        if (experiment.getMode() == ExperimentMode.ADAPTIVE) {
            return adaptive(experiment, request);
        }
        final ExperimentDesign design;
        try {
            design = ExperimentDesigns.of(experiment);
        } catch (IllegalArgumentException e) {
            throw new BadQueryException(e.getMessage());
        }
        final LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        final LocalDate first = latest(ExperimentSchedule.began(experiment).atZone(ZoneOffset.UTC).toLocalDate(),
            today.minusDays(QueryParameters.MAX_DAYS - 1));
        return answers.fromOwner(ExperimentTopology.ARMS_STORE, name, request, () -> {
            final List<LocalStores.Window<ExperimentDay>> days = stores.experimentDays(name, first, today);
            final ExperimentDay total = ExperimentDay.empty();
            days.forEach(day -> total.addAll(day.stats()));
            final Map<String, Object> body = ExperimentResultsJson.of(experiment, ExperimentAnalysis.analyze(design,
                design.split().keySet().stream().map(arm -> total.arm(arm).toArmData(arm)).toList()), days);
            body.put("from", first.toString());
            body.put("to", today.toString());
            return body;
        });
    }

    /**
     * An adaptive experiment's results are its latest decision: every arm's samples, estimate and interval,
     * probability of being best, share and why it is out, and the search's state (before the first decision, the
     * arms as defined and the state {@code waiting}).
     */
    private ResponseEntity<?> adaptive(final Experiment experiment, final HttpServletRequest request) {
        return answers.fromOwner(ExperimentTopology.ALLOCATIONS_STORE, experiment.getName(), request, () -> {
            final Map<String, Object> body = new LinkedHashMap<>();
            body.put("experiment_name", experiment.getName());
            body.put("mode", "adaptive");
            body.put("status", experiment.getStatus().name().toLowerCase(Locale.ROOT));
            body.put("latest_decision", stores.latestDecision(experiment.getName())
                .map(ExperimentDecisionsController::view).orElse(null));
            body.put("decisions", "/api/experiments/" + experiment.getName() + "/decisions");
            return body;
        });
    }

    private static LocalDate latest(final LocalDate a, final LocalDate b) {
        return a.isAfter(b) ? a : b;
    }
}
