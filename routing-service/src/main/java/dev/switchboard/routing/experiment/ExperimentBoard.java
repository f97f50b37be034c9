package dev.switchboard.routing.experiment;

import dev.switchboard.events.EnrolledBuckets;
import dev.switchboard.events.ExperimentAllocation;
import dev.switchboard.routing.strategy.ExperimentAssignments;
import dev.switchboard.routing.strategy.SubjectHasher;
import dev.switchboard.schemas.EnrollmentLayout;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The experiments routers assign subjects in: the running ones, by provider, as the experiments topic says. A
 * subject's bucket is a stable hash of the experiment's salt and the subject (the same on every router), and the
 * experiment's layout says which arm each enrolled bucket is in: a fixed experiment's covers every bucket by share,
 * an adaptive one's grows with each of stats-streams' decisions ({@code switchboard.experiment-allocations}), and a
 * bucket keeps its arm unless the arm is eliminated. A subject whose bucket is not enrolled, or an experiment past
 * its duration, is not assigned.
 */
public final class ExperimentBoard implements ExperimentAssignments {

    /** An arm and the provider version that serves it. */
    public record Arm(String name, String version, double share) {
    }

    /**
     * A running experiment, as routers need it.
     *
     * @param began  when it began: decisions from before (an earlier experiment of the same name) do not apply
     * @param layout which arm each enrolled bucket is in, in bucket order
     */
    public record Running(String name, String provider, List<Arm> arms, String salt, Instant endsAt, Instant began,
                          List<EnrolledBuckets> layout) {

        public Running {
            Objects.requireNonNull(name, "name");
            arms = List.copyOf(arms);
            layout = List.copyOf(layout);
            if (arms.size() < 2) {
                throw new IllegalArgumentException("an experiment has at least two arms");
            }
        }

        /** A fixed experiment: every bucket enrolled, laid out in arm order by share. */
        public Running(final String name, final String provider, final List<Arm> arms, final String salt,
                       final Instant endsAt) {
            this(name, provider, arms, salt, endsAt, Instant.EPOCH, EnrollmentLayout.laidOut(shares(arms),
                EnrollmentLayout.BUCKETS));
        }

        private static Map<String, Double> shares(final List<Arm> arms) {
            final Map<String, Double> shares = new LinkedHashMap<>();
            arms.forEach(arm -> shares.put(arm.name(), arm.share()));
            return shares;
        }

        /** The same experiment following a decision's layout. */
        Running following(final List<EnrolledBuckets> decided) {
            return new Running(name, provider, arms, salt, endsAt, began, decided);
        }

        /** The arm of {@code subject}: the one its bucket (0-9999) is enrolled in, if it is. */
        public Optional<Arm> armOf(final String subject) {
            return armAt(SubjectHasher.bucket(salt, subject));
        }

        /** The arm bucket {@code bucket} is enrolled in, if it is. */
        public Optional<Arm> armAt(final int bucket) {
            int low = 0;
            int high = layout.size() - 1;
            while (low <= high) { // ranges in bucket order, apart: the last one starting at or before the bucket
                final int middle = (low + high) >>> 1;
                if (layout.get(middle).getFrom() <= bucket) {
                    low = middle + 1;
                } else {
                    high = middle - 1;
                }
            }
            if (high < 0 || bucket >= layout.get(high).getTo()) {
                return Optional.empty();
            }
            final String arm = layout.get(high).getArm();
            for (final Arm candidate : arms) {
                if (candidate.name().equals(arm)) {
                    return Optional.of(candidate);
                }
            }
            return Optional.empty(); // an arm the definition no longer has
        }
    }

    /** Written by the experiments topic's one reader. */
    private final Map<String, Running> byName = new HashMap<>();
    /** Each experiment's latest decision, as the allocations topic's one reader read it. */
    private final Map<String, ExperimentAllocation> decisions = new HashMap<>();
    /**
     * The running experiments of each provider, by name, each list replaced whole when it changes: a request's
     * lookup does not grow with the number of experiments, nor a change with the number of other providers'.
     */
    private final Map<String, List<Running>> byProvider = new ConcurrentHashMap<>();
    private final Clock clock;

    public ExperimentBoard(final Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Starts assigning subjects in {@code experiment}, following its latest decision if one was read. */
    public synchronized void run(final Running experiment) {
        list(Optional.ofNullable(decisions.get(experiment.name()))
            .filter(decision -> appliesTo(decision, experiment))
            .map(decision -> experiment.following(decision.getLayout())).orElse(experiment));
    }

    /**
     * A decision of stats-streams on an experiment: the running experiment follows its layout from now on (and
     * does once it runs, when the decision came first).
     */
    public synchronized void decided(final ExperimentAllocation decision) {
        decisions.put(decision.getExperiment(), decision);
        final Running running = byName.get(decision.getExperiment());
        if (running != null && appliesTo(decision, running)) {
            list(running.following(decision.getLayout()));
        }
    }

    /** The latest decision read on {@code experiment}. */
    public synchronized Optional<ExperimentAllocation> decision(final String experiment) {
        return Optional.ofNullable(decisions.get(experiment));
    }

    private static boolean appliesTo(final ExperimentAllocation decision, final Running experiment) {
        return !decision.getDecidedAt().isBefore(experiment.began());
    }

    private void list(final Running experiment) {
        final Running before = byName.put(experiment.name(), experiment);
        if (before != null) {
            unlist(before);
        }
        byProvider.merge(experiment.provider(), List.of(experiment), (listed, added) -> Stream.concat(
            listed.stream(), added.stream()).sorted(Comparator.comparing(Running::name)).toList());
    }

    /** Stops assigning subjects in the experiment (paused, stopped, deleted). */
    public synchronized void pause(final String name) {
        final Running before = byName.remove(name);
        if (before != null) {
            unlist(before);
        }
    }

    private void unlist(final Running experiment) {
        byProvider.computeIfPresent(experiment.provider(), (provider, listed) -> {
            final List<Running> rest = listed.stream().filter(r -> !r.name().equals(experiment.name())).toList();
            return rest.isEmpty() ? null : rest;
        });
    }

    @Override
    public Optional<Assignment> assign(final String provider, final String subject) {
        return of(provider).flatMap(experiment -> experiment.armOf(subject)
            .map(arm -> new Assignment(experiment.name(), arm.name(), arm.version())));
    }

    /** The provider's running experiment, if any; by name when (against the admin API's checks) there are two. */
    public Optional<Running> of(final String provider) {
        final List<Running> running = byProvider.get(provider);
        if (running == null) {
            return Optional.empty(); // the common case, on every request with a subject: no clock read
        }
        final Instant now = clock.instant();
        for (final Running experiment : running) {
            if (experiment.endsAt() == null || now.isBefore(experiment.endsAt())) {
                return Optional.of(experiment);
            }
        }
        return Optional.empty();
    }
}
