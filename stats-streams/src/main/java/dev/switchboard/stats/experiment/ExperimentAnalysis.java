package dev.switchboard.stats.experiment;

import dev.switchboard.stats.sketch.Distribution;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Judges an experiment from what its arms gathered: estimates per arm, each candidate against the control with
 * the test its metric calls for, the sample-ratio check, and a verdict. Plain Java, so it can be simulated
 * thousands of times in a test (A/A calibration, power) exactly as the live results run it.
 */
public final class ExperimentAnalysis {

    /** Below this p-value the traffic split is not what was asked for (a broken assignment, or lost outcomes). */
    public static final double SAMPLE_RATIO_ALPHA = 0.001;

    private ExperimentAnalysis() {
    }

    public static ExperimentResult analyze(final ExperimentDesign design, final List<ArmData> gathered) {
        final Map<String, ArmData> byArm = gathered.stream()
            .collect(Collectors.toMap(ArmData::arm, Function.identity(), (a, b) -> a));
        final List<ArmData> arms = design.split().keySet().stream()
            .map(arm -> byArm.getOrDefault(arm, empty(arm))).toList();
        final ArmData control = arms.get(0);
        final long minimumSample = minimumSample(design, control);
        final boolean reached = arms.stream().allMatch(arm -> metricSamples(design.metric(), arm) >= minimumSample);
        final long total = arms.stream().mapToLong(ArmData::samples).sum();

        final List<ExperimentResult.ArmResult> armResults = arms.stream()
            .map(arm -> armResult(design, arm, total)).toList();
        final List<ExperimentResult.Comparison> comparisons = new ArrayList<>();
        for (final ArmData candidate : arms.subList(1, arms.size())) {
            comparisons.add(compare(design, control, candidate, reached));
        }
        return new ExperimentResult(design.name(), design.metric(), design.confidence(), armResults, comparisons,
            sampleRatio(design, arms), minimumSample, reached);
    }

    private static ExperimentResult.Comparison compare(final ExperimentDesign design, final ArmData control,
                                                       final ArmData candidate, final boolean reached) {
        final double confidence = 1 - design.comparisonAlpha();
        final List<Significance.Difference> tests = switch (design.metric()) {
            case SUCCESS_RATE -> List.of(Significance.twoProportions(control.successes(), control.samples(),
                candidate.successes(), candidate.samples(), confidence));
            case LATENCY -> List.of(Significance.mannWhitney(control.latencies(), candidate.latencies(), confidence),
                Significance.welch(control.latency(), candidate.latency(), confidence));
            case TOKENS -> List.of(Significance.welch(control.tokens(), candidate.tokens(), confidence));
            case SCORE -> List.of(Significance.welch(control.scores(), candidate.scores(), confidence));
            case COST_PER_REQUEST -> List.of(Significance.welch(control.costs(), candidate.costs(), confidence));
        };
        final Significance.Difference decisive = tests.get(0);
        final boolean significant = decisive.pValue() < design.comparisonAlpha();
        final Verdict verdict;
        if (!reached) {
            verdict = Verdict.NOT_ENOUGH_DATA;
        } else if (!significant) {
            verdict = Verdict.NO_DETECTABLE_DIFFERENCE;
        } else {
            final boolean higher = decisive.difference().value() > 0;
            verdict = higher == design.metric().higherIsBetter() ? Verdict.CANDIDATE_BETTER : Verdict.CANDIDATE_WORSE;
        }
        return new ExperimentResult.Comparison(candidate.arm(), control.arm(), tests, decisive,
            design.comparisonAlpha(), significant, verdict);
    }

    /**
     * The explicit minimum, else the power analysis at the control's observed rate or spread once it has
     * {@link ExperimentDesign#FLOOR} samples (before that, the worst case for rates), never below the floor.
     */
    static long minimumSample(final ExperimentDesign design, final ArmData control) {
        if (design.minimumSample().isPresent()) {
            return design.minimumSample().getAsLong();
        }
        final double alpha = design.comparisonAlpha();
        final long needed = switch (design.metric()) {
            case SUCCESS_RATE -> {
                final double rate = control.samples() >= ExperimentDesign.FLOOR
                    ? (double) control.successes() / control.samples() : 0.5;
                yield SampleSize.forProportions(Math.clamp(rate, 0.01, 0.99), design.minimumEffect(), alpha,
                    design.power());
            }
            case LATENCY -> forMeans(design, control.latency(), alpha);
            case TOKENS -> forMeans(design, control.tokens(), alpha);
            case SCORE -> forMeans(design, control.scores(), alpha);
            case COST_PER_REQUEST -> forMeans(design, control.costs(), alpha);
        };
        return Math.max(ExperimentDesign.FLOOR, needed);
    }

    private static long forMeans(final ExperimentDesign design, final Moments control, final double alpha) {
        if (control.count() < ExperimentDesign.FLOOR || control.mean() == 0) {
            return ExperimentDesign.FLOOR; // not known yet; the control itself is short of the floor
        }
        return SampleSize.forMeans(Math.sqrt(control.variance()), design.minimumEffect() * Math.abs(control.mean()),
            alpha, design.power());
    }

    private static long metricSamples(final Metric metric, final ArmData arm) {
        return switch (metric) {
            case SUCCESS_RATE, LATENCY -> arm.samples();
            case TOKENS -> arm.tokens().count();
            case SCORE -> arm.scores().count();
            case COST_PER_REQUEST -> arm.costs().count();
        };
    }

    private static ExperimentResult.ArmResult armResult(final ExperimentDesign design, final ArmData arm,
                                                        final long total) {
        final double confidence = design.confidence();
        final Double share = design.split().get(arm.arm());
        if (share == null) { // the arms analysed are the design's: one that is not is a caller's mistake
            throw new IllegalArgumentException("arm '" + arm.arm() + "' is not in the design " + design.split());
        }
        return new ExperimentResult.ArmResult(arm.arm(), arm.samples(), share,
            total == 0 ? 0 : (double) arm.samples() / total,
            Significance.proportion(arm.successes(), arm.samples(), confidence),
            Significance.mean(arm.latency(), confidence), arm.latencies().quantile(0.50),
            arm.latencies().quantile(0.95), Significance.mean(arm.tokens(), confidence), arm.scores().count(),
            Significance.mean(arm.scores(), confidence), Significance.mean(arm.costs(), confidence));
    }

    private static ExperimentResult.SampleRatio sampleRatio(final ExperimentDesign design, final List<ArmData> arms) {
        final long[] observed = arms.stream().mapToLong(ArmData::samples).toArray();
        final double[] shares = arms.stream().mapToDouble(arm -> design.split().get(arm.arm())).toArray();
        final long total = arms.stream().mapToLong(ArmData::samples).sum();
        final double[] expected = new double[shares.length];
        for (int i = 0; i < shares.length; i++) {
            expected[i] = total * shares[i];
        }
        final double p = Significance.sampleRatio(observed, shares);
        return new ExperimentResult.SampleRatio(observed, expected, p, p < SAMPLE_RATIO_ALPHA);
    }

    private static ArmData empty(final String arm) {
        return new ArmData(arm, 0, 0, Moments.EMPTY, Distribution.empty(), Moments.EMPTY, Moments.EMPTY,
            Moments.EMPTY);
    }
}
