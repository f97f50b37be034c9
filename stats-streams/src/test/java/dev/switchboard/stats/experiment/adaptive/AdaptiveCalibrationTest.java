package dev.switchboard.stats.experiment.adaptive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.stats.experiment.Metric;
import dev.switchboard.stats.experiment.Moments;
import dev.switchboard.stats.experiment.SampleSize;
import dev.switchboard.stats.experiment.SimulatedLatency;
import dev.switchboard.stats.experiment.adaptive.AdaptiveDecision.BestFound;
import dev.switchboard.stats.experiment.adaptive.AdaptiveDecision.NoClearWinner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 22's calibration on the statistics core, seeded: adaptive experiments of three arms on success rate, new
 * users shared out by each step's decision, against a fixed equal split with a fixed-sample test of the same power
 * and confidence (best arm against each other, Bonferroni). With identical arms, any winner is a wrong one; with one
 * arm three points better, the winner must be that arm.
 */
class AdaptiveCalibrationTest {

    private static final Logger log = LoggerFactory.getLogger(AdaptiveCalibrationTest.class);
    private static final int RUNS = 400;
    /** Users between two decisions: the stream decides every few seconds, a few hundred requests at this scale. */
    private static final int STEP = 250;
    private static final double CONFIDENCE = 0.95;
    private static final double POWER = 0.95;
    private static final double BASE = 0.90;
    private static final double EFFECT = 0.03;
    private static final int ARMS = 3;
    /**
     * The fixed design's sample per arm: each of the best arm's two comparisons (0.93 against 0.90) two-sided, at
     * half the error rate (Bonferroni) and the power asked; both must come out for a winner, so the design as a whole
     * has a little less power than that, which the table shows.
     */
    private static final long FIXED_PER_ARM = SampleSize.forProportions(BASE + EFFECT, EFFECT,
        (1 - CONFIDENCE) / (ARMS - 1), POWER);
    private static final AdaptiveDesign DESIGN = new AdaptiveDesign(Metric.SUCCESS_RATE, true, CONFIDENCE, 0.05,
        EFFECT, 100, 4 * ARMS * FIXED_PER_ARM, ARMS);

    private static List<Run> identical;
    private static List<Run> oneBetter;

    private record Run(Optional<String> winner, long samples) {
    }

    @BeforeAll
    static void simulate() {
        identical = runs(new double[] {BASE, BASE, BASE}, 1);
        oneBetter = runs(new double[] {BASE, BASE + EFFECT, BASE}, 2);
        final List<Run> fixedIdentical = fixedRuns(new double[] {BASE, BASE, BASE}, 3);
        final List<Run> fixedOneBetter = fixedRuns(new double[] {BASE, BASE + EFFECT, BASE}, 4);
        log.info("""
            Calibration, {} seeded runs each, 3 arms, success rate {} (one arm +{} in the second case), \
            confidence {}, new users re-shared every {}:
            | design | false winner, identical arms | best arm found, one 3 points better | median samples (one better) \
            | 90th percentile |
            | --- | --- | --- | --- | --- |
            | adaptive (top-two Thompson, always-valid elimination, floor 5%) | {} | {} | {} | {} |
            | fixed equal split, {} per arm, fixed-sample test of power {} | {} | {} | {} | {} |""",
            RUNS, BASE, EFFECT, CONFIDENCE, STEP,
            share(identical, run -> run.winner().isPresent()), share(oneBetter, AdaptiveCalibrationTest::foundB),
            median(oneBetter), percentile(oneBetter, 0.9),
            FIXED_PER_ARM, POWER, share(fixedIdentical, run -> run.winner().isPresent()),
            share(fixedOneBetter, AdaptiveCalibrationTest::foundB), ARMS * FIXED_PER_ARM, ARMS * FIXED_PER_ARM);
    }

    @Test
    void shouldDeclareAWrongWinnerAmongIdenticalArmsInAtMostOneMinusTheConfidenceOfRuns() {
        assertThat(share(identical, run -> run.winner().isPresent())).isLessThanOrEqualTo(1 - CONFIDENCE);
    }

    @Test
    void shouldFindAnArmThreePointsBetterInAtLeastNinetyFivePercentOfRuns() {
        assertThat(share(oneBetter, AdaptiveCalibrationTest::foundB)).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void shouldNeedFewerSamplesThanAFixedEqualSplitOfTheSamePower() {
        assertThat(median(oneBetter)).isLessThan(ARMS * FIXED_PER_ARM);
    }

    @Test
    void shouldKeepItsConfidenceWhenAnArmIsAddedWhileItRuns() {
        final List<Run> identicalLate = runs(DESIGN, List.of(SimulatedArm.rate("a", BASE, 0),
            SimulatedArm.rate("b", BASE, 0), SimulatedArm.rate("c", BASE, 10)), RUNS / 2, 5);
        final List<Run> betterLate = runs(DESIGN, List.of(SimulatedArm.rate("a", BASE, 0),
            SimulatedArm.rate("b", BASE, 0), SimulatedArm.rate("c", BASE + EFFECT, 10)), RUNS / 2, 6);
        log.info("An arm added after 10 steps ({} users): wrong winner among identical arms in {}, the added arm "
            + "3 points better found in {} (median samples {})", 10 * STEP, share(identicalLate,
            run -> run.winner().isPresent()), share(betterLate, run -> run.winner().equals(Optional.of("c"))),
            median(betterLate));

        assertThat(share(identicalLate, run -> run.winner().isPresent())).isLessThanOrEqualTo(1 - CONFIDENCE);
        assertThat(share(betterLate, run -> run.winner().equals(Optional.of("c")))).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void shouldKeepItsConfidenceOnSkewedLatencies() {
        final AdaptiveDesign latency = new AdaptiveDesign(Metric.LATENCY, false, CONFIDENCE, 0.05, 0.05, 100, 30_000,
            ARMS);
        final List<Run> identicalLatency = runs(latency, List.of(SimulatedArm.latency("a", 1),
            SimulatedArm.latency("b", 1), SimulatedArm.latency("c", 1)), RUNS / 2, 7);
        final List<Run> oneFaster = runs(latency, List.of(SimulatedArm.latency("a", 1),
            SimulatedArm.latency("b", 0.9), SimulatedArm.latency("c", 1)), RUNS / 2, 8);
        log.info("Latency (log-normal, median 400 ms): wrong winner among identical arms in {}; one arm 10% faster "
            + "found in {} (median samples {})", share(identicalLatency, run -> run.winner().isPresent()),
            share(oneFaster, AdaptiveCalibrationTest::foundB), median(oneFaster));

        assertThat(share(identicalLatency, run -> run.winner().isPresent())).isLessThanOrEqualTo(1 - CONFIDENCE);
        assertThat(share(oneFaster, AdaptiveCalibrationTest::foundB)).isGreaterThanOrEqualTo(0.95);
    }

    private static boolean foundB(final Run run) {
        return run.winner().equals(Optional.of("b"));
    }

    private static List<Run> runs(final double[] rates, final long seed) {
        final List<SimulatedArm> arms = new ArrayList<>();
        for (int arm = 0; arm < rates.length; arm++) {
            arms.add(SimulatedArm.rate(name(arm), rates[arm], 0));
        }
        return runs(DESIGN, arms, RUNS, seed);
    }

    private static List<Run> runs(final AdaptiveDesign design, final List<SimulatedArm> arms, final int runs,
                                  final long seed) {
        // Each run's seed drawn here, in order, so the runs come out the same however many threads share them.
        final SplittableRandom seeds = new SplittableRandom(seed);
        final long[] runSeeds = new long[runs];
        for (int i = 0; i < runs; i++) {
            runSeeds[i] = seeds.nextLong();
        }
        return Arrays.stream(runSeeds).parallel().mapToObj(runSeed -> adaptive(design, arms, runSeed)).toList();
    }

    /** An arm of a simulated experiment: the step it joins at, and what one of its users yields. */
    private record SimulatedArm(String name, long joinsAtStep, ToDoubleFunction<SplittableRandom> user) {

        static SimulatedArm rate(final String name, final double success, final long joinsAtStep) {
            return new SimulatedArm(name, joinsAtStep, random -> random.nextDouble() < success ? 1 : 0);
        }

        /** Log-normal latencies around 400 ms times {@code factor}, as LLM answers are: skewed, with a long tail. */
        static SimulatedArm latency(final String name, final double factor) {
            return new SimulatedArm(name, 0, random -> SimulatedLatency.logNormal(random, factor));
        }
    }

    /**
     * One adaptive experiment: decide, serve a step of new users by the shares among the arms there so far, again,
     * until it stops.
     */
    private static Run adaptive(final AdaptiveDesign design, final List<SimulatedArm> arms, final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        final Map<String, Moments> values = new LinkedHashMap<>();
        Map<String, String> eliminated = Map.of();
        for (long step = 0; ; step++) {
            final long now = step;
            final List<SimulatedArm> present = arms.stream().filter(arm -> arm.joinsAtStep() <= now).toList();
            final List<ArmEvidence> evidence = present.stream()
                .map(arm -> evidence(design, arm.name(), values.getOrDefault(arm.name(), Moments.EMPTY))).toList();
            final AdaptiveDecision decision = AdaptiveSearch.decide(design, evidence, eliminated, Map.of(), false,
                seed + step);
            final long total = values.values().stream().mapToLong(Moments::count).sum();
            switch (decision.outcome()) {
                case BestFound best -> {
                    return new Run(Optional.of(best.arm()), total);
                }
                case NoClearWinner none -> {
                    return new Run(Optional.empty(), total);
                }
                default -> {
                }
            }
            eliminated = decision.eliminated();
            final double[] shares = decision.arms().stream().mapToDouble(ArmStanding::share).toArray();
            for (int user = 0; user < STEP; user++) {
                final SimulatedArm arm = present.get(pick(shares, random.nextDouble()));
                values.merge(arm.name(), Moments.of(arm.user().applyAsDouble(random)), Moments::plus);
            }
        }
    }

    private static ArmEvidence evidence(final AdaptiveDesign design, final String arm, final Moments values) {
        return design.metric() == Metric.SUCCESS_RATE
            ? ArmEvidence.ofRate(arm, values.count(), Math.round(values.mean() * values.count()))
            : ArmEvidence.ofValues(arm, values);
    }

    /**
     * The fixed design: {@link #FIXED_PER_ARM} users each, then the best observed arm wins if a two-proportion z-test
     * against every other arm is significant at the Bonferroni level.
     */
    private static List<Run> fixedRuns(final double[] rates, final long seed) {
        final SplittableRandom random = new SplittableRandom(seed);
        final double critical = new NormalDistribution().inverseCumulativeProbability(
            1 - (1 - CONFIDENCE) / (ARMS - 1) / 2);
        final List<Run> runs = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            final double[] observed = new double[rates.length];
            int best = 0;
            for (int arm = 0; arm < rates.length; arm++) {
                long successes = 0;
                for (long user = 0; user < FIXED_PER_ARM; user++) {
                    if (random.nextDouble() < rates[arm]) {
                        successes++;
                    }
                }
                observed[arm] = (double) successes / FIXED_PER_ARM;
                best = observed[arm] > observed[best] ? arm : best;
            }
            boolean significant = true;
            for (int arm = 0; arm < rates.length; arm++) {
                if (arm != best) {
                    final double pooled = (observed[arm] + observed[best]) / 2;
                    final double z = (observed[best] - observed[arm])
                        / Math.sqrt(pooled * (1 - pooled) * 2.0 / FIXED_PER_ARM);
                    significant &= z > critical;
                }
            }
            runs.add(new Run(significant ? Optional.of(name(best)) : Optional.empty(), ARMS * FIXED_PER_ARM));
        }
        return runs;
    }

    private static int pick(final double[] shares, final double u) {
        double cumulative = 0;
        for (int arm = 0; arm < shares.length; arm++) {
            cumulative += shares[arm];
            if (u < cumulative) {
                return arm;
            }
        }
        return shares.length - 1;
    }

    private static String name(final int arm) {
        return String.valueOf((char) ('a' + arm));
    }

    private static double share(final List<Run> runs, final Predicate<Run> what) {
        return (double) runs.stream().filter(what).count() / runs.size();
    }

    private static long median(final List<Run> runs) {
        return percentile(runs, 0.5);
    }

    private static long percentile(final List<Run> runs, final double q) {
        final long[] sorted = runs.stream().mapToLong(Run::samples).sorted().toArray();
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    }
}
