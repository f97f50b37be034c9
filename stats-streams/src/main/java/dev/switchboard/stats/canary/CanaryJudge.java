package dev.switchboard.stats.canary;

import dev.switchboard.stats.experiment.Estimate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Judges a canary step at any moment, as often as asked: each gate's always-valid interval
 * ({@link ConfidenceSequence}) decides, at the level {@code alpha} shared among the gates, so looking every few
 * seconds does not raise the false alarms. A failing gate rolls back at once (after a few samples, so the normal
 * approximation holds); the step is promoted only when every gate passes and it has run its minimum time and sample;
 * anything else holds.
 *
 * @param alpha              the chance, over the whole step however often judged, that a gate is wrongly failed or
 *                           passed; shared among the gates (Bonferroni)
 * @param tau                the mixture's spread, in error-rate points: the effect the sequences are most sensitive
 *                           to
 * @param minimumToRollBack  candidate samples before any gate may fail
 */
public record CanaryJudge(double alpha, double tau, long minimumToRollBack) {

    public static final double DEFAULT_ALPHA = 0.05;
    public static final double DEFAULT_TAU = 0.02;
    public static final long DEFAULT_MINIMUM_TO_ROLL_BACK = 50;

    public CanaryJudge {
        if (!(alpha > 0 && alpha < 0.5) || !(tau > 0) || minimumToRollBack < 1) {
            throw new IllegalArgumentException("need 0 < alpha < 0.5, tau > 0 and a minimum of at least 1");
        }
    }

    public static CanaryJudge defaults() {
        return new CanaryJudge(DEFAULT_ALPHA, DEFAULT_TAU, DEFAULT_MINIMUM_TO_ROLL_BACK);
    }

    /** The step's minimum time and candidate sample before it may be promoted. */
    public record Step(Duration minimumDuration, long minimumSample) {
        public Step {
            Objects.requireNonNull(minimumDuration, "minimumDuration");
        }
    }

    public CanaryDecision judge(final List<Gate> gates, final Step step, final CanaryEvidence evidence) {
        if (gates.isEmpty()) {
            throw new IllegalArgumentException("a canary needs at least one gate");
        }
        final double gateAlpha = alpha / gates.size();
        final List<CanaryDecision.GateStatus> statuses = gates.stream()
            .map(gate -> status(gate, evidence, gateAlpha)).toList();
        if (evidence.candidateSamples() >= minimumToRollBack) {
            final Optional<CanaryDecision.GateStatus> failing = statuses.stream()
                .filter(status -> status.state() == CanaryDecision.State.FAILING).findFirst();
            if (failing.isPresent()) {
                return new CanaryDecision.RollBack(statuses, failing.get().gate());
            }
        }
        if (evidence.inStep().compareTo(step.minimumDuration()) < 0) {
            return new CanaryDecision.Hold(statuses, "the step's minimum duration has not passed");
        }
        if (evidence.candidateSamples() < step.minimumSample()) {
            return new CanaryDecision.Hold(statuses, "the candidate has " + evidence.candidateSamples()
                + " of the step's " + step.minimumSample() + " samples");
        }
        if (statuses.stream().allMatch(status -> status.state() == CanaryDecision.State.PASSING)) {
            return new CanaryDecision.Promote(statuses);
        }
        return new CanaryDecision.Hold(statuses, "a gate is not decided yet");
    }

    private CanaryDecision.GateStatus status(final Gate gate, final CanaryEvidence evidence, final double gateAlpha) {
        return switch (gate) {
            case Gate.ErrorRateVsBaseline relative -> {
                final Estimate difference = ConfidenceSequence.difference(evidence.baselineFailures(),
                    evidence.baselineSamples(), evidence.candidateFailures(), evidence.candidateSamples(), gateAlpha,
                    tau);
                yield new CanaryDecision.GateStatus(gate, difference, against(difference, relative.maxWorse()));
            }
            case Gate.ErrorRateAtMost absolute -> {
                final Estimate rate = ConfidenceSequence.rate(evidence.candidateFailures(),
                    evidence.candidateSamples(), gateAlpha, tau);
                yield new CanaryDecision.GateStatus(gate, rate, against(rate, absolute.max()));
            }
        };
    }

    /** Where an interval stands against an upper limit. */
    private static CanaryDecision.State against(final Estimate interval, final double limit) {
        if (Double.isNaN(interval.value())) {
            return CanaryDecision.State.UNDECIDED;
        }
        if (interval.low() > limit) {
            return CanaryDecision.State.FAILING;
        }
        return interval.high() <= limit ? CanaryDecision.State.PASSING : CanaryDecision.State.UNDECIDED;
    }
}
