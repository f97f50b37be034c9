package dev.switchboard.stats.experiment.stream;

import dev.switchboard.events.AllocationState;
import dev.switchboard.events.ArmAllocation;
import dev.switchboard.events.EnrolledBuckets;
import dev.switchboard.events.Experiment;
import dev.switchboard.events.ExperimentAllocation;
import dev.switchboard.events.ExperimentArm;
import dev.switchboard.events.ExperimentMode;
import dev.switchboard.events.ExperimentStatus;
import dev.switchboard.schemas.EnrollmentLayout;
import dev.switchboard.schemas.ExperimentSchedule;
import dev.switchboard.stats.experiment.ArmTotals;
import dev.switchboard.stats.experiment.ExperimentDay;
import dev.switchboard.stats.experiment.Guardrails;
import dev.switchboard.stats.experiment.Metric;
import dev.switchboard.stats.experiment.adaptive.AdaptiveDecision;
import dev.switchboard.stats.experiment.adaptive.AdaptiveDesign;
import dev.switchboard.stats.experiment.adaptive.AdaptiveSearch;
import dev.switchboard.stats.experiment.adaptive.ArmEvidence;
import dev.switchboard.stats.experiment.adaptive.ArmStanding;
import dev.switchboard.stats.store.ExperimentObservation;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides adaptive experiments, and stops the arms of fixed ones that fail a guardrail. Folds each experiment's
 * observations (keyed by experiment, in their partition's order) into its running totals, and every
 * {@code decide_every} outcomes decides: each arm's evidence and guardrails, {@link AdaptiveSearch}'s shares and
 * eliminations, the next {@link EnrollmentLayout}. The cadence is counted in outcomes and the decision is seeded by
 * the experiment and its sequence, never the wall clock: a replay of the same outcomes makes the same decisions at
 * the same points. A decision is an {@link ExperimentAllocation}; the last one is kept, and once the search has
 * ended (a best arm, or none) the experiment is not decided again.
 */
final class AllocationProcessor implements Processor<String, ExperimentObservation, String, ExperimentAllocation> {

    private static final Logger log = LoggerFactory.getLogger(AllocationProcessor.class);
    /** How often a fixed experiment's guardrails are checked, in its outcomes. */
    static final int FIXED_GUARDRAIL_EVERY = 200;

    private final Guardrails guardrails;
    private ProcessorContext<String, ExperimentAllocation> context;
    private KeyValueStore<String, ValueAndTimestamp<Experiment>> definitions;
    private KeyValueStore<String, ExperimentDay> totals;
    private KeyValueStore<String, ExperimentAllocation> decisions;

    AllocationProcessor(final Guardrails guardrails) {
        this.guardrails = guardrails;
    }

    @Override
    public void init(final ProcessorContext<String, ExperimentAllocation> context) {
        this.context = context;
        this.definitions = context.getStateStore(ExperimentTopology.DEFINITIONS_STORE);
        this.totals = context.getStateStore(ExperimentTopology.ALLOCATION_TOTALS_STORE);
        this.decisions = context.getStateStore(ExperimentTopology.ALLOCATIONS_STORE);
    }

    @Override
    public void process(final Record<String, ExperimentObservation> record) {
        final String name = record.key();
        final ExperimentObservation seen = record.value();
        final Experiment experiment = Optional.ofNullable(definitions.get(name)).map(ValueAndTimestamp::value)
            .orElse(null);
        if (experiment == null || experiment.getStatus() != ExperimentStatus.RUNNING || !decided(experiment)
            || experiment.getArms().stream().noneMatch(arm -> arm.getName().equals(seen.getArm()))) {
            return;
        }
        final ExperimentAllocation last = decisions.get(name);
        if (last != null && last.getState() != AllocationState.EXPLORING
            && last.getState() != AllocationState.ARM_STOPPED) {
            return; // the search ended; the operator stops the experiment
        }
        final ExperimentDay day = ExperimentTopology.fold(Optional.ofNullable(totals.get(name))
            .orElseGet(ExperimentDay::empty), seen);
        totals.put(name, day);
        if (seen.getScore() != null) {
            return; // the cadence counts outcomes: scores arrive on their own schedule
        }
        final long outcomes = day.byArm().values().stream().mapToLong(ArmTotals::samples).sum();
        if (outcomes % every(experiment) != 0) {
            return;
        }
        final Instant at = seen.getEventTime();
        final Optional<ExperimentAllocation> decision = experiment.getMode() == ExperimentMode.ADAPTIVE
            ? Optional.of(adaptive(experiment, day, last, outcomes, at)) : guarded(experiment, day, last, outcomes, at);
        decision.ifPresent(allocation -> {
            decisions.put(name, allocation);
            log.info("Experiment {} decision {}: {} ({}); shares {}", name, allocation.getSequence(),
                allocation.getState(), allocation.getReason(), shares(allocation));
            context.forward(new Record<>(name, allocation, at.toEpochMilli()));
        });
    }

    /** Adaptive experiments are decided; fixed ones only when they have guardrails. */
    private static boolean decided(final Experiment experiment) {
        return experiment.getMode() == ExperimentMode.ADAPTIVE && experiment.getAdaptive() != null
            || experiment.getMode() == ExperimentMode.FIXED && !experiment.getGuardrails().isEmpty();
    }

    private static int every(final Experiment experiment) {
        return experiment.getMode() == ExperimentMode.ADAPTIVE ? experiment.getAdaptive().getDecideEvery()
            : FIXED_GUARDRAIL_EVERY;
    }

    private ExperimentAllocation adaptive(final Experiment experiment, final ExperimentDay day,
                                          final ExperimentAllocation last, final long outcomes, final Instant at) {
        final AdaptiveDesign design = ExperimentDesigns.adaptive(experiment);
        final long sequence = last == null ? 1 : last.getSequence() + 1;
        final List<ArmEvidence> evidence = experiment.getArms().stream()
            .map(arm -> ArmEvidence.of(day.arm(arm.getName()).toArmData(arm.getName()), design.metric())).toList();
        final Guardrail guardrail = guardrails(experiment, day, eliminated(last).keySet(), 1 - design.confidence());
        final AdaptiveDecision decision = AdaptiveSearch.decide(design, evidence, eliminated(last),
            guardrail.breached(), guardrail.unproven(), !at.isBefore(ExperimentSchedule.endsAt(experiment)),
            seed(experiment.getName(), sequence));
        final Set<String> out = new HashSet<>(decision.eliminated().keySet());
        final Map<String, Double> shares = decision.shares();
        final int enroll;
        final AllocationState state;
        final String winner;
        final String reason;
        switch (decision.outcome()) {
            case AdaptiveDecision.BestFound best -> {
                state = AllocationState.BEST_FOUND;
                winner = best.arm();
                enroll = EnrollmentLayout.BUCKETS;
                reason = best.arm() + " is the best arm with confidence " + design.confidence()
                    + ": every other arm was eliminated";
            }
            case AdaptiveDecision.NoClearWinner none -> {
                state = AllocationState.NO_CLEAR_WINNER;
                winner = null;
                enroll = 0;
                experiment.getArms().forEach(arm -> out.add(arm.getName()));
                reason = "no clear winner: " + none.reason() + "; every subject goes back to the provider's routing";
            }
            case AdaptiveDecision.Exploring exploring -> {
                state = AllocationState.EXPLORING;
                winner = null;
                enroll = EnrollmentLayout.ENROLLED_PER_DECISION;
                reason = "exploring: " + (experiment.getArms().size() - out.size()) + " arms still in the search"
                    + (out.isEmpty() ? "" : "; out: " + decision.eliminated());
            }
        }
        final List<EnrolledBuckets> layout = EnrollmentLayout.next(layout(experiment, last), shares, out, enroll);
        return allocation(experiment, sequence, outcomes, state, winner, reason, at, layout,
            decision.arms().stream().map(standing -> arm(experiment, standing)).toList(), design.metric(),
            design.confidence());
    }

    /**
     * A fixed experiment: an arm that newly fails a guardrail is stopped and its subjects go back to the control;
     * nothing is written while no arm newly fails.
     */
    private Optional<ExperimentAllocation> guarded(final Experiment experiment, final ExperimentDay day,
                                                   final ExperimentAllocation last, final long outcomes,
                                                   final Instant at) {
        final Map<String, String> stopped = eliminated(last);
        final Map<String, String> breaches = new LinkedHashMap<>(guardrails(experiment, day, stopped.keySet(),
            experiment.getAlpha()).breached());
        final String control = experiment.getArms().get(0).getName();
        breaches.remove(control); // the control is what the others go back to: its own breach is the alerts' matter
        if (breaches.isEmpty()) {
            return Optional.empty();
        }
        final Map<String, String> out = new LinkedHashMap<>(stopped);
        out.putAll(breaches);
        final Map<String, Double> shares = new LinkedHashMap<>();
        shares.put(control, 1.0);
        final List<EnrolledBuckets> layout = EnrollmentLayout.next(layout(experiment, last), shares, out.keySet(), 0);
        final int enrolled = EnrollmentLayout.enrolled(layout);
        final List<ArmAllocation> arms = experiment.getArms().stream().map(arm -> {
            final ArmTotals totals = day.arm(arm.getName());
            final double rate = totals.samples() == 0 ? Double.NaN : (double) totals.successes() / totals.samples();
            final int buckets = layout.stream().filter(range -> range.getArm().equals(arm.getName()))
                .mapToInt(range -> range.getTo() - range.getFrom()).sum();
            return new ArmAllocation(arm.getName(), arm.getVersion(), totals.samples(), rate, Double.NaN, Double.NaN,
                Double.NaN, enrolled == 0 ? 0.0 : (double) buckets / enrolled, out.get(arm.getName()));
        }).toList();
        final long sequence = last == null ? 1 : last.getSequence() + 1;
        return Optional.of(allocation(experiment, sequence, outcomes, AllocationState.ARM_STOPPED, null,
            "stopped by a guardrail, their subjects back on " + control + ": " + breaches, at, layout, arms,
            Metric.valueOf(experiment.getSuccessMetric().name()), 1 - experiment.getAlpha()));
    }

    /**
     * Where the arms stand on the guardrails.
     *
     * @param breached the arms that fail one, each with the gate and its interval
     * @param unproven the arms not all of whose guardrails pass yet
     */
    private record Guardrail(Map<String, String> breached, Set<String> unproven) {
    }

    /**
     * The arms (not out already) against the guardrails: every arm against the control, at the experiment's error
     * rate.
     */
    private Guardrail guardrails(final Experiment experiment, final ExperimentDay day, final Set<String> out,
                                 final double alpha) {
        final Map<String, String> breaches = new LinkedHashMap<>();
        final Set<String> unproven = new HashSet<>();
        final ArmTotals control = day.arm(experiment.getArms().get(0).getName());
        for (final ExperimentArm arm : experiment.getArms()) {
            if (out.contains(arm.getName())) {
                continue;
            }
            switch (guardrails.check(experiment.getGuardrails(), control, day.arm(arm.getName()), alpha)) {
                case Guardrails.Breached breached -> breaches.put(arm.getName(), breached.why());
                case Guardrails.Unproven unknown -> unproven.add(arm.getName());
                case Guardrails.Passing passing -> { }
            }
        }
        return new Guardrail(breaches, unproven);
    }

    private static Map<String, String> eliminated(final ExperimentAllocation last) {
        final Map<String, String> eliminated = new LinkedHashMap<>();
        if (last != null) {
            last.getArms().stream().filter(arm -> arm.getEliminated() != null)
                .forEach(arm -> eliminated.put(arm.getArm(), arm.getEliminated()));
        }
        return eliminated;
    }

    private static List<EnrolledBuckets> layout(final Experiment experiment, final ExperimentAllocation last) {
        return last == null ? EnrollmentLayout.initial(experiment) : last.getLayout();
    }

    /** The step's seed: from the experiment and the sequence only, so a replay draws the same. */
    static long seed(final String experiment, final long sequence) {
        return UUID.nameUUIDFromBytes((experiment + "|" + sequence).getBytes(StandardCharsets.UTF_8))
            .getMostSignificantBits();
    }

    private static ArmAllocation arm(final Experiment experiment, final ArmStanding standing) {
        final String version = experiment.getArms().stream().filter(arm -> arm.getName().equals(standing.arm()))
            .map(ExperimentArm::getVersion).findFirst().orElseThrow();
        return new ArmAllocation(standing.arm(), version, standing.samples(), standing.estimate().value(),
            standing.estimate().low(), standing.estimate().high(), standing.probabilityBest(), standing.share(),
            standing.eliminated().orElse(null));
    }

    private static ExperimentAllocation allocation(final Experiment experiment, final long sequence,
                                                   final long outcomes, final AllocationState state,
                                                   final String winner, final String reason, final Instant at,
                                                   final List<EnrolledBuckets> layout, final List<ArmAllocation> arms,
                                                   final Metric metric, final double confidence) {
        return ExperimentAllocation.newBuilder()
            .setEventId(UUID.nameUUIDFromBytes((experiment.getName() + "|" + sequence + "|" + state)
                .getBytes(StandardCharsets.UTF_8)).toString())
            .setExperiment(experiment.getName()).setCategory(experiment.getCategory())
            .setProvider(experiment.getProvider()).setSequence(sequence).setOutcomesSeen(outcomes).setState(state)
            .setWinner(winner).setReason(reason).setMetric(metric.jsonName()).setConfidence(confidence)
            .setArms(arms).setLayout(layout).setDecidedAt(at).build();
    }

    private static Map<String, Double> shares(final ExperimentAllocation allocation) {
        final Map<String, Double> shares = new LinkedHashMap<>();
        allocation.getArms().forEach(arm -> shares.put(arm.getArm(), Math.round(arm.getShare() * 1000) / 1000.0));
        return shares;
    }
}
