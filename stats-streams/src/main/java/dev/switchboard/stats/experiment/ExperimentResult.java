package dev.switchboard.stats.experiment;

import java.util.List;

/** What an experiment's data say: each arm's estimates, each candidate against the control, the split check. */
public record ExperimentResult(String experiment, Metric metric, double confidence, List<ArmResult> arms,
                               List<Comparison> comparisons, SampleRatio sampleRatio, long minimumSample,
                               boolean minimumSampleReached) {

    /**
     * One arm's estimates, each with its interval at the experiment's confidence; {@code meanCostUsd} over the
     * priced outcomes only.
     */
    public record ArmResult(String arm, long samples, double expectedShare, double observedShare,
                            Estimate successRate, Estimate meanLatencyMs, double p50LatencyMs, double p95LatencyMs,
                            Estimate meanTokens, long scored, Estimate meanScore, Estimate meanCostUsd) {
    }

    /**
     * A candidate against the control: every test that applies to the metric, the one that decides, and the
     * verdict. {@code significant} uses the comparison's alpha (the experiment's, shared among the candidates).
     */
    public record Comparison(String candidate, String control, List<Significance.Difference> tests,
                             Significance.Difference decisive, double alpha, boolean significant, Verdict verdict) {
    }

    /** The chi-square test of the traffic split: a mismatch (p below 0.001) means the assignment is broken. */
    public record SampleRatio(long[] observed, double[] expected, double pValue, boolean mismatch) {
    }
}
