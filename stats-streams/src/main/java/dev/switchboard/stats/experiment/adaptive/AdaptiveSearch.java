package dev.switchboard.stats.experiment.adaptive;

import dev.switchboard.stats.experiment.ConfidenceSequence;
import dev.switchboard.stats.experiment.Estimate;
import dev.switchboard.stats.experiment.Metric;
import dev.switchboard.stats.experiment.Moments;
import dev.switchboard.stats.experiment.adaptive.AdaptiveDecision.BestFound;
import dev.switchboard.stats.experiment.adaptive.AdaptiveDecision.Exploring;
import dev.switchboard.stats.experiment.adaptive.AdaptiveDecision.NoClearWinner;
import dev.switchboard.stats.experiment.adaptive.AdaptiveDecision.Outcome;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

/**
 * The adaptive experiment's rule, one step at a time: given every arm's evidence, the arms eliminated before, the
 * guardrails breached and whether time is up, which arms stay in the search, what share of new users each gets,
 * and whether the search stops.
 * <p>
 * <b>Elimination and stopping.</b> An arm is eliminated once another arm is better than it with the design's
 * confidence: the always-valid interval (mSPRT, {@link ConfidenceSequence}) of their difference, at the error rate
 * each comparison may spend ({@link AdaptiveDesign#alphaPerComparison()}), leaves out zero. The intervals hold
 * whenever they are looked at and however the traffic was shared out before, so checking at every step does not
 * inflate the chance of a wrong winner; the search stops once a single arm is left. An arm that breached a
 * guardrail is eliminated at once, whatever its metric.
 * <p>
 * <b>Allocation.</b> Top-two Thompson sampling (Russo, 2016): each arm's metric is drawn from its posterior (normal
 * approximation) {@value #DRAWS} times; an arm's share is half the share of draws in which it is best and half of
 * those in which it is second. The best arm and its closest rival get most of the traffic, which is what telling
 * them apart needs; arms plainly behind get little before they are eliminated. Every arm still in the search keeps
 * at least the exploration floor, and an arm below its minimum sample at least an equal share. The draws come from
 * a generator seeded by the caller (the experiment and the step), so a replay of the same evidence makes the same
 * decision.
 */
public final class AdaptiveSearch {

    /** Posterior draws per step: shares to about a percent, which is as fine as they need to be. */
    static final int DRAWS = 2_000;
    /** Top-two's share for the leader: half, the choice that is never far from optimal (Russo, 2016). */
    private static final double LEADER = 0.5;

    private AdaptiveSearch() {
    }

    /**
     * @param arms       every arm of the experiment, in order (eliminated ones included, for their standing)
     * @param eliminated the arms eliminated by earlier steps, with why; they stay eliminated
     * @param breaches   arms that breached a guardrail since, with the gate and its evidence
     * @param timeIsUp   whether the experiment reached its maximum duration
     * @param seed       the step's seed: the same seed and evidence give the same decision
     */
    public static AdaptiveDecision decide(final AdaptiveDesign design, final List<ArmEvidence> arms,
                                          final Map<String, String> eliminated, final Map<String, String> breaches,
                                          final boolean timeIsUp, final long seed) {
        return decide(design, arms, eliminated, breaches, Set.of(), timeIsUp, seed);
    }

    /**
     * @param unproven arms whose guardrails have not passed yet: such an arm may be eliminated, but eliminates no
     *                 other and is not declared best, so an arm that wins on the metric and then fails a guardrail
     *                 has not cost the search its rivals
     */
    public static AdaptiveDecision decide(final AdaptiveDesign design, final List<ArmEvidence> arms,
                                          final Map<String, String> eliminated, final Map<String, String> breaches,
                                          final Set<String> unproven, final boolean timeIsUp, final long seed) {
        checkArms(design, arms);
        final Map<String, String> out = new LinkedHashMap<>();
        for (final ArmEvidence arm : arms) {
            Optional.ofNullable(eliminated.get(arm.arm())).or(() -> Optional.ofNullable(breaches.get(arm.arm())))
                .ifPresent(reason -> out.put(arm.arm(), reason));
        }
        final List<ArmEvidence> searching = arms.stream().filter(arm -> !out.containsKey(arm.arm())).toList();
        out.putAll(beaten(design, searching, unproven));
        final List<ArmEvidence> left = searching.stream().filter(arm -> !out.containsKey(arm.arm())).toList();

        final Outcome outcome = outcome(design, arms, left, unproven, timeIsUp);
        final Posterior posterior = Posterior.draw(design, left, new Well19937c(seed));
        final Map<String, Double> shares = switch (outcome) {
            case BestFound best -> Map.of(best.arm(), 1.0);
            case NoClearWinner none -> Map.of();
            case Exploring exploring -> shares(design, left, posterior);
        };
        final double alpha = design.alphaPerComparison();
        final List<ArmStanding> standings = arms.stream().map(arm -> new ArmStanding(arm.arm(), arm.samples(),
            estimate(design, arm, alpha), posterior.probabilityBest(arm.arm()), shares.getOrDefault(arm.arm(), 0.0),
            Optional.ofNullable(out.get(arm.arm())))).toList();
        return new AdaptiveDecision(outcome, standings);
    }

    private static void checkArms(final AdaptiveDesign design, final List<ArmEvidence> arms) {
        if (arms.size() < 2 || arms.size() > design.maximumArms()) {
            throw new IllegalArgumentException("an adaptive experiment has 2 to " + design.maximumArms()
                + " arms, got " + arms.size());
        }
        final Set<String> names = new HashSet<>();
        for (final ArmEvidence arm : arms) {
            if (!names.add(arm.arm())) {
                throw new IllegalArgumentException("arm '" + arm.arm() + "' is named twice");
            }
        }
    }

    private static Outcome outcome(final AdaptiveDesign design, final List<ArmEvidence> arms,
                                   final List<ArmEvidence> left, final Set<String> unproven, final boolean timeIsUp) {
        if (left.size() == 1 && !unproven.contains(left.get(0).arm())) {
            return new BestFound(left.get(0).arm());
        }
        if (left.isEmpty()) {
            return new NoClearWinner("every arm was eliminated by a guardrail");
        }
        final long samples = arms.stream().mapToLong(ArmEvidence::samples).sum();
        if (samples >= design.maximumSamples()) {
            return new NoClearWinner("reached the maximum sample (" + samples + " of " + design.maximumSamples()
                + ") with " + left.size() + " arms still in the search");
        }
        if (timeIsUp) {
            return new NoClearWinner("reached the maximum duration with " + left.size()
                + " arms still in the search");
        }
        return new Exploring();
    }

    /**
     * The arms still searching that another one (whose guardrails passed) beats with the design's confidence, each
     * with its evidence.
     */
    private static Map<String, String> beaten(final AdaptiveDesign design, final List<ArmEvidence> searching,
                                             final Set<String> unproven) {
        final Map<String, String> beaten = new LinkedHashMap<>();
        final double alpha = design.alphaPerComparison();
        for (final ArmEvidence loser : searching) {
            for (final ArmEvidence winner : searching) {
                if (winner == loser || unproven.contains(winner.arm())
                    || winner.samples() < design.minimumSamplePerArm()
                    || loser.samples() < design.minimumSamplePerArm()) {
                    continue;
                }
                final Estimate difference = difference(design, winner, loser, alpha);
                if (design.higherIsBetter() ? difference.low() > 0 : difference.high() < 0) {
                    beaten.put(loser.arm(), String.format(Locale.ROOT,
                        "worse than %s on %s: %s against %s, difference %.4g [%.4g, %.4g] (always-valid, %.4g%%)",
                        winner.arm(), design.metric().jsonName(), format(estimate(design, loser, alpha).value()),
                        format(estimate(design, winner, alpha).value()), difference.value(), difference.low(),
                        difference.high(), 100 * (1 - alpha)));
                    break;
                }
            }
        }
        return beaten;
    }

    /** {@code a}'s metric minus {@code b}'s, with its always-valid interval at {@code alpha}. */
    static Estimate difference(final AdaptiveDesign design, final ArmEvidence a, final ArmEvidence b,
                               final double alpha) {
        if (design.metric() == Metric.SUCCESS_RATE) {
            // a's success rate minus b's is b's error rate minus a's.
            return ConfidenceSequence.difference(a.failures(), a.samples(), b.failures(), b.samples(), alpha,
                design.minimumEffect());
        }
        final double scale = Math.abs(a.values().plus(b.values()).mean());
        final double tau = scale > 0 ? design.minimumEffect() * scale : design.minimumEffect();
        return ConfidenceSequence.meanDifference(b.values(), a.values(), alpha, tau);
    }

    /** One arm's metric with its always-valid interval. */
    static Estimate estimate(final AdaptiveDesign design, final ArmEvidence arm, final double alpha) {
        if (design.metric() == Metric.SUCCESS_RATE) {
            final Estimate errors = ConfidenceSequence.rate(arm.failures(), arm.samples(), alpha,
                design.minimumEffect());
            return new Estimate(1 - errors.value(), 1 - errors.high(), 1 - errors.low());
        }
        return ConfidenceSequence.mean(arm.values(), alpha);
    }

    private static String format(final double value) {
        return String.format(Locale.ROOT, "%.4g", value);
    }

    /** Top-two shares of the arms left, raised to the exploration floor and, below the minimum sample, to equal. */
    private static Map<String, Double> shares(final AdaptiveDesign design, final List<ArmEvidence> left,
                                              final Posterior posterior) {
        final Map<String, Double> wanted = new LinkedHashMap<>();
        final Map<String, Double> least = new LinkedHashMap<>();
        for (final ArmEvidence arm : left) {
            wanted.put(arm.arm(), LEADER * posterior.probabilityBest(arm.arm())
                + (1 - LEADER) * posterior.probabilitySecond(arm.arm()));
            least.put(arm.arm(), arm.samples() < design.minimumSamplePerArm()
                ? Math.max(design.explorationFloor(), 1.0 / left.size()) : design.explorationFloor());
        }
        return atLeast(wanted, least);
    }

    /**
     * {@code wanted} shares with each raised to its least, the others scaled down to make room: repeated, since
     * scaling may take another below its least.
     */
    static Map<String, Double> atLeast(final Map<String, Double> wanted, final Map<String, Double> least) {
        final Map<String, Double> held = new LinkedHashMap<>(); // arms raised to their least, for good
        while (true) {
            final double heldTotal = held.values().stream().mapToDouble(Double::doubleValue).sum();
            final double freeWanted = wanted.entrySet().stream().filter(arm -> !held.containsKey(arm.getKey()))
                .mapToDouble(Map.Entry::getValue).sum();
            final int freeArms = wanted.size() - held.size();
            final Map<String, Double> shares = new LinkedHashMap<>();
            boolean raised = false;
            for (final Map.Entry<String, Double> arm : wanted.entrySet()) {
                final Double fixed = held.get(arm.getKey());
                if (fixed != null) {
                    shares.put(arm.getKey(), fixed);
                    continue;
                }
                final double share = freeWanted > 0 ? (1 - heldTotal) * arm.getValue() / freeWanted
                    : (1 - heldTotal) / freeArms;
                final double floor = least.getOrDefault(arm.getKey(), 0.0);
                if (share < floor - 1e-12) {
                    held.put(arm.getKey(), floor);
                    raised = true;
                }
                shares.put(arm.getKey(), share);
            }
            if (!raised) {
                return shares;
            }
            if (held.size() == wanted.size()) {
                return normalized(held);
            }
        }
    }

    private static Map<String, Double> normalized(final Map<String, Double> shares) {
        final double total = shares.values().stream().mapToDouble(Double::doubleValue).sum();
        final Map<String, Double> normalized = new LinkedHashMap<>();
        shares.forEach((arm, share) -> normalized.put(arm, share / total));
        return normalized;
    }

    /** How often each arm came out best and second best in draws from the arms' posteriors. */
    private record Posterior(Map<String, Double> best, Map<String, Double> second) {

        static Posterior draw(final AdaptiveDesign design, final List<ArmEvidence> left,
                              final RandomGenerator random) {
            final Map<String, Double> best = new LinkedHashMap<>();
            final Map<String, Double> second = new LinkedHashMap<>();
            if (left.size() < 2) {
                left.forEach(arm -> best.put(arm.arm(), 1.0));
                return new Posterior(best, second);
            }
            final int n = left.size();
            final double[] mean = new double[n];
            final double[] spread = new double[n];
            final ArmEvidence pooled = pooled(design, left);
            for (int i = 0; i < n; i++) {
                final ArmEvidence arm = left.get(i).samples() < 2 ? pooled : left.get(i);
                mean[i] = mean(design, arm);
                spread[i] = Math.sqrt(variance(design, arm) / Math.max(1, left.get(i).samples()));
            }
            final int[] bests = new int[n];
            final int[] seconds = new int[n];
            final double[] theta = new double[n];
            for (int draw = 0; draw < DRAWS; draw++) {
                int first = -1;
                int runnerUp = -1;
                for (int i = 0; i < n; i++) {
                    theta[i] = mean[i] + spread[i] * random.nextGaussian();
                    if (first < 0 || design.better(theta[i], theta[first])) {
                        runnerUp = first;
                        first = i;
                    } else if (runnerUp < 0 || design.better(theta[i], theta[runnerUp])) {
                        runnerUp = i;
                    }
                }
                bests[first]++;
                seconds[runnerUp]++;
            }
            for (int i = 0; i < n; i++) {
                best.put(left.get(i).arm(), (double) bests[i] / DRAWS);
                second.put(left.get(i).arm(), (double) seconds[i] / DRAWS);
            }
            return new Posterior(best, second);
        }

        double probabilityBest(final String arm) {
            return best.getOrDefault(arm, 0.0);
        }

        double probabilitySecond(final String arm) {
            return second.getOrDefault(arm, 0.0);
        }

        /** All arms' evidence together: the prior of an arm with too little of its own. */
        private static ArmEvidence pooled(final AdaptiveDesign design, final List<ArmEvidence> arms) {
            long samples = 0;
            long successes = 0;
            Moments values = Moments.EMPTY;
            for (final ArmEvidence arm : arms) {
                samples += arm.samples();
                successes += arm.successes();
                values = values.plus(arm.values());
            }
            return design.metric() == Metric.SUCCESS_RATE ? ArmEvidence.ofRate("pooled", samples, successes)
                : ArmEvidence.ofValues("pooled", values);
        }

        private static double mean(final AdaptiveDesign design, final ArmEvidence arm) {
            if (design.metric() == Metric.SUCCESS_RATE) {
                return ConfidenceSequence.shrunkRate(arm.successes(), arm.samples());
            }
            return arm.values().mean();
        }

        /** One sample's variance: a rate's shrunk half a success towards the middle, as the intervals do. */
        private static double variance(final AdaptiveDesign design, final ArmEvidence arm) {
            if (design.metric() == Metric.SUCCESS_RATE) {
                final double rate = mean(design, arm);
                return rate * (1 - rate);
            }
            final double variance = arm.values().variance();
            return variance > 0 ? variance : Math.max(1e-9, arm.values().mean() * arm.values().mean());
        }
    }
}
