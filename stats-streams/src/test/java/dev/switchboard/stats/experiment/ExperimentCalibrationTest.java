package dev.switchboard.stats.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.stats.sketch.Distribution;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The statistics must-show of the experiments issue, on the pure core, judged by the same
 * {@link ExperimentAnalysis} the live results use. A set of 200 simulated experiments is one draw of a binomial
 * count: at a true false-alarm rate of 4.2%, a set of 200 still shows more than 5% about one time in five. So each
 * property is shown on 100 seeded sets of 200 experiments, and the assertion is on the rate over all 20,000; the
 * spread of the sets is logged.
 */
class ExperimentCalibrationTest {

    private static final Logger log = LoggerFactory.getLogger(ExperimentCalibrationTest.class);
    private static final int SETS = 100;
    private static final int EXPERIMENTS = 200;
    /** Success rate of the control: an error rate of 10%. */
    private static final double BASE_SUCCESS = 0.90;

    @Test
    void anAaExperimentIsFalselySignificantInAtMostFivePercentOfRuns() {
        final long n = documentedSampleSize();
        final SplittableRandom random = new SplittableRandom(20261122);

        final double[] sets = sets(() -> judge(Metric.SUCCESS_RATE, n, List.of(
            successes("a", n, random, BASE_SUCCESS), successes("b", n, random, BASE_SUCCESS))).verdict()
            != Verdict.NO_DETECTABLE_DIFFERENCE);

        report("A/A, error rate 10% in both arms, " + n + " per arm: falsely significant", sets);
        assertThat(mean(sets)).isLessThanOrEqualTo(0.05);
    }

    @Test
    void aFivePointWorseErrorRateIsDetectedInAtLeastEightyPercentOfRunsAtTheDocumentedSampleSize() {
        final long n = documentedSampleSize();
        final SplittableRandom random = new SplittableRandom(42);

        final double[] sets = sets(() -> judge(Metric.SUCCESS_RATE, n, List.of(
            successes("a", n, random, BASE_SUCCESS), successes("b", n, random, BASE_SUCCESS - 0.05))).verdict()
            == Verdict.CANDIDATE_WORSE);

        report("Error rate 10% vs 15%, " + n + " per arm: detected as worse", sets);
        assertThat(mean(sets)).isGreaterThanOrEqualTo(0.80);
    }

    @Test
    void theLatencyRankTestOnSketchesKeepsItsFalseAlarmRate() {
        final long n = 300;
        final SplittableRandom random = new SplittableRandom(7);
        int alarms = 0;
        final int runs = 1_000;
        for (int i = 0; i < runs; i++) {
            final ExperimentResult.Comparison comparison = judge(Metric.LATENCY, n,
                List.of(latencies("a", n, random, 1.0), latencies("b", n, random, 1.0)));
            if (comparison.significant()) {
                alarms++;
            }
        }
        log.info("A/A on latency (Mann-Whitney on sketches), {} per arm: falsely significant in {} of {}", n,
            alarms, runs);
        assertThat((double) alarms / runs).isLessThanOrEqualTo(0.06);
    }

    @Test
    void theLatencyRankTestSeesACandidateTenPercentSlower() {
        final long n = 2_000;
        final SplittableRandom random = new SplittableRandom(8);

        final ExperimentResult.Comparison comparison = judge(Metric.LATENCY, n,
            List.of(latencies("a", n, random, 1.0), latencies("b", n, random, 1.1)));

        assertThat(comparison.decisive().test()).isEqualTo("mann_whitney_u");
        assertThat(comparison.verdict()).isEqualTo(Verdict.CANDIDATE_WORSE);
        assertThat(comparison.decisive().difference().value()).as("the candidate tends higher").isPositive();
    }

    @Test
    void aSixtyFortyAssignmentOfAFiftyFiftySplitIsFlaggedAsASampleRatioMismatch() {
        final SplittableRandom random = new SplittableRandom(11);
        // The injected bug: 60% of subjects land in arm a instead of 50%.
        final long total = 2_000;
        long a = 0;
        for (int i = 0; i < total; i++) {
            if (random.nextDouble() < 0.6) {
                a++;
            }
        }
        final ExperimentResult buggy = ExperimentAnalysis.analyze(design(Metric.SUCCESS_RATE, 100),
            List.of(successes("a", a, random, BASE_SUCCESS), successes("b", total - a, random, BASE_SUCCESS)));
        final ExperimentResult sound = ExperimentAnalysis.analyze(design(Metric.SUCCESS_RATE, 100),
            List.of(successes("a", 1_013, random, BASE_SUCCESS), successes("b", 987, random, BASE_SUCCESS)));

        log.info("60/40 assignment of a 50/50 split: {} vs {}, SRM p = {}", a, total - a,
            buggy.sampleRatio().pValue());
        assertThat(buggy.sampleRatio().mismatch()).isTrue();
        assertThat(buggy.sampleRatio().pValue()).isLessThan(ExperimentAnalysis.SAMPLE_RATIO_ALPHA);
        assertThat(sound.sampleRatio().mismatch()).isFalse();
    }

    @Test
    void givesNoVerdictBeforeEveryArmHasTheMinimumSample() {
        final SplittableRandom random = new SplittableRandom(3);
        final ExperimentResult result = ExperimentAnalysis.analyze(design(Metric.SUCCESS_RATE, 750),
            List.of(successes("a", 2_000, random, 0.99), successes("b", 700, random, 0.5)));

        assertThat(result.minimumSampleReached()).isFalse();
        assertThat(result.comparisons().get(0).significant()).as("the difference is plain").isTrue();
        assertThat(result.comparisons().get(0).verdict()).isEqualTo(Verdict.NOT_ENOUGH_DATA);
    }

    @Test
    void theDocumentedSampleSizeForTenAgainstFifteenPercentErrorsIs750PerArm() {
        assertThat(documentedSampleSize()).isEqualTo(750);
    }

    private static long documentedSampleSize() {
        return SampleSize.forProportions(BASE_SUCCESS, ExperimentDesign.DEFAULT_MINIMUM_EFFECT,
            ExperimentDesign.DEFAULT_ALPHA, ExperimentDesign.DEFAULT_POWER);
    }

    private static ExperimentResult.Comparison judge(final Metric metric, final long minimumSample,
                                                     final List<ArmData> arms) {
        return ExperimentAnalysis.analyze(design(metric, minimumSample), arms).comparisons().get(0);
    }

    private static ExperimentDesign design(final Metric metric, final long minimumSample) {
        final Map<String, Double> split = new LinkedHashMap<>();
        split.put("a", 0.5);
        split.put("b", 0.5);
        return new ExperimentDesign("simulated", split, metric, ExperimentDesign.DEFAULT_MINIMUM_EFFECT,
            ExperimentDesign.DEFAULT_ALPHA, ExperimentDesign.DEFAULT_POWER, OptionalLong.of(minimumSample));
    }

    private static ArmData successes(final String name, final long n, final SplittableRandom random,
                                     final double success) {
        long successes = 0;
        for (long i = 0; i < n; i++) {
            if (random.nextDouble() < success) {
                successes++;
            }
        }
        return new ArmData(name, n, successes, Moments.EMPTY, Distribution.empty(), Moments.EMPTY, Moments.EMPTY,
            Moments.EMPTY);
    }

    /** Log-normal latencies around 400 ms times {@code factor}, as LLM answers are: skewed, with a long tail. */
    private static ArmData latencies(final String name, final long n, final SplittableRandom random,
                                     final double factor) {
        Moments moments = Moments.EMPTY;
        final Distribution distribution = Distribution.empty();
        for (long i = 0; i < n; i++) {
            final double latency = SimulatedLatency.logNormal(random, factor);
            moments = moments.plus(latency);
            distribution.add(latency);
        }
        return new ArmData(name, n, n, moments, distribution, Moments.EMPTY, Moments.EMPTY, Moments.EMPTY);
    }

    private static double[] sets(final Supplier<Boolean> experiment) {
        final double[] shares = new double[SETS];
        for (int set = 0; set < SETS; set++) {
            int hits = 0;
            for (int i = 0; i < EXPERIMENTS; i++) {
                if (experiment.get()) {
                    hits++;
                }
            }
            shares[set] = (double) hits / EXPERIMENTS;
        }
        return shares;
    }

    private static void report(final String what, final double[] sets) {
        final double[] sorted = sets.clone();
        Arrays.sort(sorted);
        log.info("{} in {}% of {} experiments ({} sets of {}: first set {}%, sets from {}% to {}%, median {}%)", what,
            String.format("%.2f", 100 * mean(sets)), SETS * EXPERIMENTS, SETS, EXPERIMENTS,
            String.format("%.1f", 100 * sets[0]), String.format("%.1f", 100 * sorted[0]),
            String.format("%.1f", 100 * sorted[SETS - 1]), String.format("%.1f", 100 * sorted[SETS / 2]));
    }

    private static double mean(final double[] values) {
        return Arrays.stream(values).average().orElse(Double.NaN);
    }
}
