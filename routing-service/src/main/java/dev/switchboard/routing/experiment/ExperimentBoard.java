package dev.switchboard.routing.experiment;

import dev.switchboard.routing.strategy.ExperimentAssignments;
import dev.switchboard.routing.strategy.SubjectHasher;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The experiments routers assign subjects in: the running ones, by provider, as the experiments topic says. A
 * subject's arm is a stable hash of the experiment's salt and the subject (the same bucket on every router), so a
 * user stays in one arm for the whole experiment. An experiment past its duration assigns nobody.
 */
public final class ExperimentBoard implements ExperimentAssignments {

    /** An arm and the provider version that serves it. */
    public record Arm(String name, String version, double share) {
    }

    /** A running experiment, as routers need it. */
    public record Running(String name, String provider, List<Arm> arms, String salt, Instant endsAt) {

        public Running {
            Objects.requireNonNull(name, "name");
            arms = List.copyOf(arms);
            if (arms.size() < 2) {
                throw new IllegalArgumentException("an experiment has at least two arms");
            }
        }

        /**
         * The arm of {@code subject}: its bucket (0-9999) falls in the arm's slice of the buckets, the slices laid
         * out in arm order by share.
         */
        public Arm armOf(final String subject) {
            final int bucket = SubjectHasher.bucket(salt, subject);
            double upTo = 0;
            for (final Arm arm : arms) {
                upTo += arm.share() * SubjectHasher.BUCKETS;
                if (bucket < Math.round(upTo)) {
                    return arm;
                }
            }
            return arms.get(arms.size() - 1); // shares that add up to a hair under 1
        }
    }

    /** Written by the experiments topic's one reader. */
    private final Map<String, Running> byName = new HashMap<>();
    /**
     * The running experiments of each provider, by name, each list replaced whole when it changes: a request's
     * lookup does not grow with the number of experiments, nor a change with the number of other providers'.
     */
    private final Map<String, List<Running>> byProvider = new ConcurrentHashMap<>();
    private final Clock clock;

    public ExperimentBoard(final Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Starts assigning subjects in {@code experiment}. */
    public synchronized void run(final Running experiment) {
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
        return of(provider).map(experiment -> {
            final Arm arm = experiment.armOf(subject);
            return new Assignment(experiment.name(), arm.name(), arm.version());
        });
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
