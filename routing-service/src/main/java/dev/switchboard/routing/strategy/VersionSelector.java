package dev.switchboard.routing.strategy;

import dev.switchboard.events.SelectionReason;
import dev.switchboard.routing.health.AllUnhealthy;
import dev.switchboard.routing.health.HealthBoard;
import dev.switchboard.routing.health.OutlierDetector;
import dev.switchboard.routing.table.Endpoints;
import dev.switchboard.routing.table.Provider;
import dev.switchboard.routing.table.VersionConfig;
import dev.switchboard.schemas.VersionKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * Chooses the version for one attempt. Versions that are inactive, have nowhere to be called (no url and no
 * endpoint for their type), are reported unhealthy by the prober, or were already tried for this request are out. Versions ejected by live-traffic outlier detection are out too,
 * unless that would leave none (then ejection is ignored rather than failing every request). Versions with
 * weight 0 are disabled, except the two of a sticky rollout, whose own split decides between them. The
 * provider's strategy picks among the rest; when it can pick none the default
 * version answers if it may.
 */
public final class VersionSelector {

    private final Map<String, SelectionStrategy> strategies;
    private final HealthBoard health;
    private final OutlierDetector outliers;
    private final TrafficCounters counters;
    private final SubjectHasher hasher;
    private final RandomGenerator random;
    private final AllUnhealthy whenAllUnhealthy;
    private final ExperimentAssignments experiments;
    private final Endpoints endpoints;

    public VersionSelector(final Collection<SelectionStrategy> strategies, final HealthBoard health,
                           final OutlierDetector outliers, final TrafficCounters counters,
                           final SubjectHasher hasher, final RandomGenerator random,
                           final AllUnhealthy whenAllUnhealthy, final ExperimentAssignments experiments,
                           final Endpoints endpoints) {
        this.strategies = strategies.stream().collect(Collectors.toUnmodifiableMap(SelectionStrategy::name,
            Function.identity()));
        this.health = Objects.requireNonNull(health, "health");
        this.outliers = Objects.requireNonNull(outliers, "outliers");
        this.counters = Objects.requireNonNull(counters, "counters");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.random = Objects.requireNonNull(random, "random");
        this.whenAllUnhealthy = Objects.requireNonNull(whenAllUnhealthy, "whenAllUnhealthy");
        this.experiments = Objects.requireNonNull(experiments, "experiments");
        this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
    }

    public boolean knows(final String strategy) {
        return strategies.containsKey(strategy);
    }

    public Set<String> strategyNames() {
        return strategies.keySet();
    }

    /** The first attempt of a request. */
    public Selection select(final Provider provider, final Optional<String> subject) {
        return select(provider, Set.of(), subject);
    }

    /** @param tried versions that already failed this request; a retry is marked {@code FAILOVER} */
    public Selection select(final Provider provider, final Set<VersionKey> tried, final Optional<String> subject) {
        final SelectionStrategy strategy = strategies.get(provider.strategy());
        if (strategy == null) {
            throw new IllegalStateException("provider " + provider.id() + " uses unknown strategy '"
                + provider.strategy() + "'; known: " + strategies.keySet());
        }
        // Plain loops rather than streams: this runs for every attempt of every request.
        final List<VersionConfig> routable = new ArrayList<>(provider.versions().size());
        boolean anyNotEjected = false;
        for (final VersionConfig version : provider.versions()) {
            if (version.active() && endpoints.isRoutable(version) && health.isRoutable(version.key())
                && !tried.contains(version.key())) {
                routable.add(version);
                anyNotEjected |= !outliers.isEjected(version.key());
            }
        }
        if (routable.isEmpty()) {
            final Optional<VersionConfig> despiteHealth = defaultDespiteHealth(provider, tried);
            if (despiteHealth.isPresent()) {
                final Selection.Chosen chosen = new Selection.Chosen(despiteHealth.get(), SelectionReason.DEFAULT);
                return tried.isEmpty() ? chosen : chosen.because(SelectionReason.FAILOVER);
            }
            return new Selection.NoneRoutable("No active, healthy version of " + provider.id()
                + (tried.isEmpty() ? "" : " that was not already tried") + " can take requests"
                + withoutEndpoint(provider));
        }
        if (tried.isEmpty() && subject.isPresent()) {
            final Optional<Selection.Chosen> inExperiment = inExperiment(provider, subject.get(), routable);
            if (inExperiment.isPresent()) {
                return inExperiment.get();
            }
        }
        final boolean panic = !anyNotEjected;
        final List<Candidate> candidates = new ArrayList<>(routable.size());
        for (final VersionConfig version : routable) {
            if ((version.weight() > 0 || inRollout(provider, version))
                && (panic || !outliers.isEjected(version.key()))) {
                candidates.add(candidate(version, panic));
            }
        }
        final SelectionContext context = new SelectionContext(provider, subject, random, counters, hasher);
        final Optional<Selection.Chosen> chosen = candidates.isEmpty() ? Optional.empty()
            : strategy.choose(candidates, context);
        return chosen
            .or(() -> provider.defaultVersion().filter(routable::contains)
                .map(v -> new Selection.Chosen(v, SelectionReason.DEFAULT)))
            .<Selection>map(c -> tried.isEmpty() ? c : c.because(SelectionReason.FAILOVER))
            .orElseGet(() -> new Selection.NoneRoutable("Every routable version of " + provider.id()
                + " is disabled (weight 0) and the default version cannot take requests"));
    }

    /**
     * The first attempt of a subject in a running experiment goes to its arm's version, whatever the weights say,
     * when that version may take it (active, healthy, not ejected). When it may not, the subject is routed as
     * anyone else and left out of the experiment's outcomes, rather than counted in an arm it was not served by.
     */
    private Optional<Selection.Chosen> inExperiment(final Provider provider, final String subject,
                                                    final List<VersionConfig> routable) {
        final Optional<ExperimentAssignments.Assignment> assigned = experiments.assign(provider.id(), subject);
        if (assigned.isEmpty()) {
            return Optional.empty();
        }
        final ExperimentAssignments.Assignment assignment = assigned.get();
        for (final VersionConfig version : routable) { // a version's name is unique in its provider
            if (version.version().equals(assignment.version())) {
                return outliers.isEjected(version.key()) ? Optional.empty()
                    : Optional.of(new Selection.Chosen(version, SelectionReason.EXPERIMENT, hasher.hash(subject),
                        assignment.experiment(), assignment.arm()));
            }
        }
        return Optional.empty();
    }

    /**
     * The default version when nothing else is routable and it is held back only by its reported health (it is
     * active and was not tried), if the provider is to get its default version then.
     */
    private Optional<VersionConfig> defaultDespiteHealth(final Provider provider, final Set<VersionKey> tried) {
        if (whenAllUnhealthy != AllUnhealthy.DEFAULT_VERSION) {
            return Optional.empty();
        }
        return provider.defaultVersion()
            .filter(v -> v.active() && endpoints.isRoutable(v) && !tried.contains(v.key()));
    }

    /** Why active versions could not be called, for the error: what an operator has to set. */
    private String withoutEndpoint(final Provider provider) {
        final StringBuilder why = new StringBuilder();
        for (final VersionConfig version : provider.versions()) {
            if (version.active()) {
                endpoints.whyNotRoutable(version).ifPresent(reason -> why.append("; ").append(reason));
            }
        }
        return why.toString();
    }

    /** A sticky rollout's own split decides between its two versions, whatever their weights. */
    private static boolean inRollout(final Provider provider, final VersionConfig version) {
        return provider.policy().rollout().filter(rollout -> provider.strategy().equals(StickyRolloutStrategy.NAME))
            .map(rollout -> rollout.baseline().equals(version.version()) || rollout.candidate().equals(version.version()))
            .orElse(false);
    }

    /** @param panic every routable version is ejected: route by configured weights, as if none were */
    private Candidate candidate(final VersionConfig version, final boolean panic) {
        return new Candidate(version, version.weight() * (panic ? 1 : outliers.weightFactor(version.key())),
            health.score(version.key()), counters.inFlight(version.key()));
    }
}
