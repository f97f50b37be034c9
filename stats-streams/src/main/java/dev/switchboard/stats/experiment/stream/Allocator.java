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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Decides adaptive experiments, and stops the arms of fixed ones that fail a guardrail, from their observations.
 * <p>
 * The cadence is event time: an experiment's time from its start is cut in periods ({@code decide_every_seconds}
 * long; {@value #FIXED_GUARDRAIL_SECONDS} s for a fixed experiment's guardrails), each observation goes to its
 * period, and once the observations' time passes a period's end by {@link #GRACE}, the period is decided on the
 * observations of every period up to it. What a decision sees is thus the set of the experiment's observations up
 * to a point of event time, whatever order they arrived in, and its draws are seeded by the experiment and its
 * sequence: a replay of the topics, in any order, makes the same decisions. An observation for a period already
 * decided is late: counted, and in no decision. A period without observations decides nothing.
 * <p>
 * Plain Java over a {@link State}: the stream keeps it in its stores, a replay in memory.
 */
public final class Allocator {

    /** How long after a period's end its stragglers (other partitions, a router's buffer) are waited for. */
    static final Duration GRACE = Duration.ofSeconds(5);
    /** How often a fixed experiment's guardrails are checked. */
    static final int FIXED_GUARDRAIL_SECONDS = 30;

    /** Where an experiment's progress is kept between observations. */
    public interface State {

        /** The evidence of every period decided so far. */
        ExperimentDay decided(String experiment);

        void decided(String experiment, ExperimentDay totals);

        /** The observations of the periods not decided yet, from {@code from} to {@code to} included, in order. */
        Map<Long, ExperimentDay> pending(String experiment, long from, long to);

        void pending(String experiment, long period, ExperimentDay day);

        void forget(String experiment, long period);

        /** The last period decided (-1 before any), and the late observations so far. */
        long closed(String experiment);

        void closed(String experiment, long period);

        long late(String experiment);

        void late(String experiment, long late);

        Optional<ExperimentAllocation> last(String experiment);

        void last(String experiment, ExperimentAllocation decision);
    }

    /** The progress of a replay, or a test: in maps. */
    public static final class InMemory implements State {

        private final Map<String, ExperimentDay> decided = new HashMap<>();
        private final Map<String, NavigableMap<Long, ExperimentDay>> pending = new HashMap<>();
        private final Map<String, Long> closed = new HashMap<>();
        private final Map<String, Long> late = new HashMap<>();
        private final Map<String, ExperimentAllocation> last = new HashMap<>();

        @Override
        public ExperimentDay decided(final String experiment) {
            return decided.getOrDefault(experiment, ExperimentDay.empty());
        }

        @Override
        public void decided(final String experiment, final ExperimentDay totals) {
            decided.put(experiment, totals);
        }

        @Override
        public Map<Long, ExperimentDay> pending(final String experiment, final long from, final long to) {
            return new LinkedHashMap<>(pending.getOrDefault(experiment, new TreeMap<>()).subMap(from, true, to, true));
        }

        @Override
        public void pending(final String experiment, final long period, final ExperimentDay day) {
            pending.computeIfAbsent(experiment, e -> new TreeMap<>()).put(period, day);
        }

        @Override
        public void forget(final String experiment, final long period) {
            pending.getOrDefault(experiment, new TreeMap<>()).remove(period);
        }

        @Override
        public long closed(final String experiment) {
            return closed.getOrDefault(experiment, -1L);
        }

        @Override
        public void closed(final String experiment, final long period) {
            closed.put(experiment, period);
        }

        @Override
        public long late(final String experiment) {
            return late.getOrDefault(experiment, 0L);
        }

        @Override
        public void late(final String experiment, final long count) {
            late.put(experiment, count);
        }

        @Override
        public Optional<ExperimentAllocation> last(final String experiment) {
            return Optional.ofNullable(last.get(experiment));
        }

        @Override
        public void last(final String experiment, final ExperimentAllocation decision) {
            last.put(experiment, decision);
        }
    }

    private final Guardrails guardrails;

    public Allocator(final Guardrails guardrails) {
        this.guardrails = guardrails;
    }

    /** Whether {@code experiment} is decided at all: adaptive, or fixed with guardrails, and running. */
    static boolean decided(final Experiment experiment) {
        return experiment.getStatus() == ExperimentStatus.RUNNING
            && (experiment.getMode() == ExperimentMode.ADAPTIVE && experiment.getAdaptive() != null
            || experiment.getMode() == ExperimentMode.FIXED && !experiment.getGuardrails().isEmpty());
    }

    /**
     * One observation of {@code experiment}, whose time (its record's: an outcome's event time, a score's join) is
     * {@code at}.
     *
     * @return the decisions it let be taken, in order
     */
    public List<ExperimentAllocation> observe(final Experiment experiment, final ExperimentObservation seen,
                                       final Instant at, final State state) {
        final String name = experiment.getName();
        final Instant began = ExperimentSchedule.began(experiment);
        if (!decided(experiment) || at.isBefore(began)
            || experiment.getArms().stream().noneMatch(arm -> arm.getName().equals(seen.getArm()))
            || state.last(name).map(last -> !open(last)).orElse(false)) {
            return List.of();
        }
        final long step = Duration.ofSeconds(seconds(experiment)).toMillis();
        final long period = (at.toEpochMilli() - began.toEpochMilli()) / step;
        final long closed = state.closed(name);
        if (period <= closed) {
            state.late(name, state.late(name) + 1);
            return List.of();
        }
        final ExperimentDay day = state.pending(name, period, period).getOrDefault(period, ExperimentDay.empty());
        state.pending(name, period, ExperimentTopology.fold(day, seen));
        final long closing = Math.floorDiv(at.toEpochMilli() - GRACE.toMillis() - began.toEpochMilli(), step) - 1;
        if (closing <= closed) {
            return List.of();
        }
        final List<ExperimentAllocation> decisions = new ArrayList<>();
        final ExperimentDay totals = state.decided(name);
        boolean searching = true;
        for (final Map.Entry<Long, ExperimentDay> due : state.pending(name, closed + 1, closing).entrySet()) {
            state.forget(name, due.getKey());
            if (!searching) {
                continue; // the search ended at an earlier period: what came after is in no decision
            }
            totals.addAll(due.getValue());
            final Optional<ExperimentAllocation> decision = decide(experiment, totals, state.last(name).orElse(null),
                due.getKey(), Instant.ofEpochMilli(began.toEpochMilli() + (due.getKey() + 1) * step),
                state.late(name));
            if (decision.isPresent()) {
                state.last(name, decision.get());
                decisions.add(decision.get());
                searching = open(decision.get());
            }
        }
        state.decided(name, totals);
        state.closed(name, closing);
        return decisions;
    }

    /** Whether the search goes on after {@code decision}: not once it found its best arm, or ended without. */
    private static boolean open(final ExperimentAllocation decision) {
        return decision.getState() == AllocationState.EXPLORING || decision.getState() == AllocationState.ARM_STOPPED;
    }

    private static int seconds(final Experiment experiment) {
        return experiment.getMode() == ExperimentMode.ADAPTIVE ? experiment.getAdaptive().getDecideEverySeconds()
            : FIXED_GUARDRAIL_SECONDS;
    }

    private Optional<ExperimentAllocation> decide(final Experiment experiment, final ExperimentDay totals,
                                                  final ExperimentAllocation last, final long period,
                                                  final Instant at, final long late) {
        final Progress progress = new Progress(last == null ? 1 : last.getSequence() + 1, period, outcomes(totals),
            late, at);
        return experiment.getMode() == ExperimentMode.ADAPTIVE
            ? Optional.of(adaptive(experiment, totals, last, progress)) : guarded(experiment, totals, last, progress);
    }

    /** Where a decision stands in the experiment's run. */
    private record Progress(long sequence, long period, long outcomes, long late, Instant at) {
    }

    private ExperimentAllocation adaptive(final Experiment experiment, final ExperimentDay totals,
                                          final ExperimentAllocation last, final Progress progress) {
        final AdaptiveDesign design = ExperimentDesigns.adaptive(experiment);
        final List<ArmEvidence> evidence = experiment.getArms().stream()
            .map(arm -> ArmEvidence.of(totals.arm(arm.getName()).toArmData(arm.getName()), design.metric()))
            .toList();
        final Map<String, String> before = eliminated(last);
        final Guardrail guardrail = guardrails(experiment, totals, before.keySet(), 1 - design.confidence());
        final AdaptiveDecision decision = AdaptiveSearch.decide(design, evidence, before, guardrail.breached(),
            guardrail.unproven(), !progress.at().isBefore(ExperimentSchedule.endsAt(experiment)),
            seed(experiment.getName(), progress.sequence()));
        final Set<String> out = new HashSet<>(decision.eliminated().keySet());
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
                    + (out.isEmpty() ? "" : "; out: " + String.join(", ", decision.eliminated().keySet()));
            }
        }
        final List<EnrolledBuckets> layout = EnrollmentLayout.next(layout(experiment, last), decision.shares(), out,
            enroll);
        return allocation(experiment, progress, state, winner, reason, layout,
            decision.arms().stream().map(standing -> arm(experiment, standing)).toList(), design.metric(),
            design.confidence());
    }

    /**
     * A fixed experiment: an arm that newly fails a guardrail is stopped and its subjects go back to the control;
     * nothing is written while no arm newly fails.
     */
    private Optional<ExperimentAllocation> guarded(final Experiment experiment, final ExperimentDay totals,
                                                   final ExperimentAllocation last, final Progress progress) {
        final Map<String, String> stopped = eliminated(last);
        final Map<String, String> breaches = new LinkedHashMap<>(guardrails(experiment, totals, stopped.keySet(),
            experiment.getAlpha()).breached());
        final String control = experiment.getArms().get(0).getName();
        breaches.remove(control); // the control is what the others go back to: its own breach is the alerts' matter
        if (breaches.isEmpty()) {
            return Optional.empty();
        }
        final Map<String, String> out = new LinkedHashMap<>(stopped);
        out.putAll(breaches);
        final List<EnrolledBuckets> layout = EnrollmentLayout.next(layout(experiment, last), Map.of(control, 1.0),
            out.keySet(), 0);
        final int enrolled = EnrollmentLayout.enrolled(layout);
        final List<ArmAllocation> arms = experiment.getArms().stream().map(arm -> {
            final ArmTotals arm2 = totals.arm(arm.getName());
            final double rate = arm2.samples() == 0 ? Double.NaN : (double) arm2.successes() / arm2.samples();
            final int buckets = layout.stream().filter(range -> range.getArm().equals(arm.getName()))
                .mapToInt(range -> range.getTo() - range.getFrom()).sum();
            return new ArmAllocation(arm.getName(), arm.getVersion(), arm2.samples(), rate, Double.NaN, Double.NaN,
                Double.NaN, enrolled == 0 ? 0.0 : (double) buckets / enrolled, out.get(arm.getName()));
        }).toList();
        return Optional.of(allocation(experiment, progress, AllocationState.ARM_STOPPED, null,
            "stopped by a guardrail, their subjects back on " + control + ": " + String.join(", ", breaches.keySet()),
            layout, arms, Metric.valueOf(experiment.getSuccessMetric().name()), 1 - experiment.getAlpha()));
    }

    /**
     * Where the arms stand on the guardrails.
     *
     * @param breached the arms that fail one, each with the gate and its interval
     * @param unproven the arms not all of whose guardrails pass yet
     */
    private record Guardrail(Map<String, String> breached, Set<String> unproven) {
    }

    /** The arms (not out already) against the guardrails: every arm against the control. */
    private Guardrail guardrails(final Experiment experiment, final ExperimentDay totals, final Set<String> out,
                                 final double alpha) {
        final Map<String, String> breaches = new LinkedHashMap<>();
        final Set<String> unproven = new HashSet<>();
        final ArmTotals control = totals.arm(experiment.getArms().get(0).getName());
        for (final ExperimentArm arm : experiment.getArms()) {
            if (out.contains(arm.getName())) {
                continue;
            }
            switch (guardrails.check(experiment.getGuardrails(), control, totals.arm(arm.getName()), alpha)) {
                case Guardrails.Breached breached -> breaches.put(arm.getName(), breached.why());
                case Guardrails.Unproven unknown -> unproven.add(arm.getName());
                case Guardrails.Passing passing -> { }
            }
        }
        return new Guardrail(breaches, unproven);
    }

    private static long outcomes(final ExperimentDay totals) {
        return totals.byArm().values().stream().mapToLong(ArmTotals::samples).sum();
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

    private static ExperimentAllocation allocation(final Experiment experiment, final Progress progress,
                                                   final AllocationState state, final String winner,
                                                   final String reason, final List<EnrolledBuckets> layout,
                                                   final List<ArmAllocation> arms, final Metric metric,
                                                   final double confidence) {
        return ExperimentAllocation.newBuilder()
            .setEventId(UUID.nameUUIDFromBytes((experiment.getName() + "|" + progress.sequence() + "|" + state)
                .getBytes(StandardCharsets.UTF_8)).toString())
            .setExperiment(experiment.getName()).setCategory(experiment.getCategory())
            .setProvider(experiment.getProvider()).setSequence(progress.sequence()).setPeriod(progress.period())
            .setOutcomesSeen(progress.outcomes()).setLateOutcomes(progress.late()).setState(state)
            .setWinner(winner).setReason(reason).setMetric(metric.jsonName()).setConfidence(confidence)
            .setArms(arms).setLayout(layout).setDecidedAt(progress.at()).build();
    }
}
