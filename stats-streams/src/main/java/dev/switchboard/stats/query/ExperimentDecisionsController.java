package dev.switchboard.stats.query;

import dev.switchboard.events.ArmAllocation;
import dev.switchboard.events.EnrolledBuckets;
import dev.switchboard.events.ExperimentAllocation;
import dev.switchboard.schemas.EnrollmentLayout;
import dev.switchboard.stats.canary.GuardrailJudge;
import dev.switchboard.stats.replay.AllocationReplay;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * An adaptive experiment's decisions (and a fixed one's guardrail stops), each with its evidence, as logged on
 * {@code switchboard.experiment-allocations}; and the same decisions re-made from the outcome and feedback topics,
 * compared with the logged ones. Both read the topics on request: one at a time, as the reports are.
 */
@RestController
class ExperimentDecisionsController {

    private final Supplier<Consumer<String, byte[]>> consumers;
    private final Clock clock;
    private final Semaphore oneAtATime = new Semaphore(1);

    ExperimentDecisionsController(final Supplier<Consumer<String, byte[]>> reportConsumers, final Clock clock) {
        this.consumers = reportConsumers;
        this.clock = clock;
    }

    /** The logged decisions only: read from their topic, not re-made from every outcome as the replay is. */
    @GetMapping("/api/experiments/{name}/decisions")
    Map<String, Object> decisions(@PathVariable final String name) {
        final List<ExperimentAllocation> logged = oneAtATime(name,
            consumer -> AllocationReplay.logged(consumer, name, clock.instant()));
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("experiment_name", name);
        body.put("decisions", logged.stream().map(ExperimentDecisionsController::view).toList());
        return body;
    }

    /**
     * The decisions re-made from the outcome and feedback topics: {@code reproduced} when they equal the logged
     * ones, else where they differ.
     */
    @GetMapping("/api/experiments/{name}/decisions/replay")
    Map<String, Object> replayed(@PathVariable final String name) {
        final AllocationReplay.Result replay = replay(name);
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("experiment_name", name);
        body.put("outcomes", replay.outcomes());
        body.put("scores", replay.scores());
        body.put("logged", replay.logged().size());
        body.put("replayed", replay.replayed().size());
        body.put("reproduced", replay.differences().isEmpty());
        body.put("differences", replay.differences());
        body.put("decisions", replay.replayed().stream().map(ExperimentDecisionsController::view).toList());
        return body;
    }

    private AllocationReplay.Result replay(final String name) {
        return oneAtATime(name, consumer -> AllocationReplay.run(consumer, name, new GuardrailJudge(),
            clock.instant()));
    }

    /** Reads the topics for {@code name}, one request at a time; an experiment not on them is unknown. */
    private <T> T oneAtATime(final String name, final Function<Consumer<String, byte[]>, T> read) {
        if (!oneAtATime.tryAcquire()) {
            throw new ExperimentReportController.ReportBusyException();
        }
        try (Consumer<String, byte[]> consumer = consumers.get()) {
            return read.apply(consumer);
        } catch (IllegalArgumentException e) {
            throw new UnknownNameException("experiment", name);
        } finally {
            oneAtATime.release();
        }
    }

    /** A decision as answers show it: numbers that are not (no sample yet) are null. */
    static Map<String, Object> view(final ExperimentAllocation decision) {
        final Map<String, Object> view = new LinkedHashMap<>();
        view.put("sequence", decision.getSequence());
        view.put("period", decision.getPeriod());
        view.put("decided_at", decision.getDecidedAt().toString());
        view.put("state", decision.getState().name().toLowerCase(Locale.ROOT));
        view.put("winner", decision.getWinner());
        view.put("reason", decision.getReason());
        view.put("metric", decision.getMetric());
        view.put("confidence", decision.getConfidence());
        view.put("outcomes_seen", decision.getOutcomesSeen());
        view.put("late_outcomes", decision.getLateOutcomes());
        view.put("arms", decision.getArms().stream().map(ExperimentDecisionsController::arm).toList());
        view.put("enrolled_buckets", EnrollmentLayout.enrolled(decision.getLayout()));
        view.put("layout", layout(decision.getLayout()));
        return view;
    }

    private static Map<String, Object> arm(final ArmAllocation arm) {
        final Map<String, Object> view = new LinkedHashMap<>();
        view.put("arm", arm.getArm());
        view.put("version", arm.getVersion());
        view.put("samples", arm.getSamples());
        view.put("estimate", finite(arm.getEstimate()));
        view.put("low", finite(arm.getLow()));
        view.put("high", finite(arm.getHigh()));
        view.put("probability_best", finite(arm.getProbabilityBest()));
        view.put("share", arm.getShare());
        view.put("eliminated", arm.getEliminated());
        return view;
    }

    private static List<Map<String, Object>> layout(final List<EnrolledBuckets> layout) {
        return layout.stream().map(range -> {
            final Map<String, Object> view = new LinkedHashMap<>();
            view.put("from", range.getFrom());
            view.put("to", range.getTo());
            view.put("arm", range.getArm());
            return view;
        }).toList();
    }

    private static Double finite(final double value) {
        return Double.isFinite(value) ? value : null;
    }
}
