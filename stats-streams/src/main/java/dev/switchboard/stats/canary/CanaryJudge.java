package dev.switchboard.stats.canary;

import dev.switchboard.stats.experiment.ConfidenceSequence;
import dev.switchboard.stats.experiment.Estimate;
import dev.switchboard.stats.experiment.Moments;
import dev.switchboard.stats.sketch.Distribution;
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
 * @param minimumToRollBack  candidate observations of a gate's metric (requests; streamed ones for time to first
 *                           token; scored ones) before that gate may fail
 */
public record CanaryJudge(double alpha, double tau, long minimumToRollBack) {

    public static final double DEFAULT_ALPHA = 0.05;
    public static final double DEFAULT_TAU = 0.02;
    public static final long DEFAULT_MINIMUM_TO_ROLL_BACK = 50;
    private static final double P95 = 0.95;

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
        return judge(gates, step, evidence, Optional.empty());
    }

    /**
     * @param unhealthy why the candidate is out of traffic, when it is: a gate that already fails still names
     *                  itself, else the step fails on the candidate's health, since it would hold for evidence that
     *                  cannot come
     */
    public CanaryDecision judge(final List<Gate> gates, final Step step, final CanaryEvidence evidence,
                                final Optional<String> unhealthy) {
        if (gates.isEmpty()) {
            throw new IllegalArgumentException("a canary needs at least one gate");
        }
        final double gateAlpha = alpha / gates.size();
        final List<CanaryDecision.GateStatus> statuses = gates.stream()
            .map(gate -> status(gate, evidence, gateAlpha)).toList();
        final Optional<CanaryDecision.GateStatus> failing = statuses.stream()
            .filter(status -> status.state() == CanaryDecision.State.FAILING)
            .filter(status -> observations(status.gate().metric(), evidence.candidate()) >= minimumToRollBack)
            .findFirst();
        if (failing.isPresent()) {
            return new CanaryDecision.RollBack(statuses, failing.get().gate());
        }
        if (unhealthy.isPresent()) {
            return new CanaryDecision.OutOfRotation(statuses, unhealthy.get());
        }
        if (evidence.inStep().compareTo(step.minimumDuration()) < 0) {
            return new CanaryDecision.Hold(statuses, "the step's minimum duration has not passed");
        }
        if (evidence.candidate().samples() < step.minimumSample()) {
            return new CanaryDecision.Hold(statuses, "the candidate has " + evidence.candidate().samples()
                + " of the step's " + step.minimumSample() + " samples");
        }
        if (statuses.stream().allMatch(status -> status.state() == CanaryDecision.State.PASSING)) {
            return new CanaryDecision.Promote(statuses);
        }
        return new CanaryDecision.Hold(statuses, "a gate is not decided yet");
    }

    /** How many of the candidate's requests speak to a metric: streamed ones for time to first token, scored ones. */
    private static long observations(final Gate.Metric metric, final CanaryEvidence.Side side) {
        return switch (metric) {
            case ERROR_RATE, LATENCY_P95 -> side.samples();
            case TIME_TO_FIRST_TOKEN_P95 -> side.timeToFirstToken().count();
            case QUALITY_SCORE -> side.scores().count();
            case COST_PER_REQUEST -> side.costs().count();
        };
    }

    private CanaryDecision.GateStatus status(final Gate gate, final CanaryEvidence evidence, final double gateAlpha) {
        final CanaryEvidence.Side baseline = evidence.baseline();
        final CanaryEvidence.Side candidate = evidence.candidate();
        final Estimate interval = switch (gate.metric()) {
            case ERROR_RATE -> gate.kind() == Gate.Kind.ABSOLUTE
                ? ConfidenceSequence.rate(candidate.failures(), candidate.samples(), gateAlpha, tau)
                : ConfidenceSequence.difference(baseline.failures(), baseline.samples(), candidate.failures(),
                    candidate.samples(), gateAlpha, tau);
            case LATENCY_P95 -> p95(gate, baseline.latency(), candidate.latency(), gateAlpha);
            case TIME_TO_FIRST_TOKEN_P95 -> p95(gate, baseline.timeToFirstToken(), candidate.timeToFirstToken(),
                gateAlpha);
            case QUALITY_SCORE -> gate.kind() == Gate.Kind.ABSOLUTE
                ? ConfidenceSequence.mean(candidate.scores(), gateAlpha)
                : ConfidenceSequence.meanDifference(baseline.scores(), candidate.scores(), gateAlpha);
            // Against the baseline, the candidate's cost less the baseline's raised by the allowed share: within
            // the limit while that is at most 0.
            case COST_PER_REQUEST -> gate.kind() == Gate.Kind.ABSOLUTE
                ? ConfidenceSequence.mean(candidate.costs(), gateAlpha)
                : ConfidenceSequence.meanDifference(scaled(baseline.costs(), 1 + gate.limit()), candidate.costs(),
                    gateAlpha);
        };
        final double limit = gate.metric() == Gate.Metric.COST_PER_REQUEST && gate.kind() == Gate.Kind.VS_BASELINE ? 0
            : gate.kind() == Gate.Kind.ABSOLUTE || gate.metric().higherIsWorse() ? gate.limit() : -gate.limit();
        return new CanaryDecision.GateStatus(gate, interval, against(interval, limit, gate.metric().higherIsWorse()));
    }

    /**
     * The candidate's p95, or its excess over the baseline's: each side's interval at half the gate's alpha, so
     * the difference's interval (candidate's low minus baseline's high, to candidate's high minus baseline's low)
     * holds at the gate's.
     */
    private Estimate p95(final Gate gate, final Distribution baseline, final Distribution candidate,
                         final double gateAlpha) {
        if (gate.kind() == Gate.Kind.ABSOLUTE) {
            return ConfidenceSequence.quantile(candidate, P95, gateAlpha, tau);
        }
        final Estimate mine = ConfidenceSequence.quantile(candidate, P95, gateAlpha / 2, tau);
        final Estimate theirs = ConfidenceSequence.quantile(baseline, P95, gateAlpha / 2, tau);
        return new Estimate(mine.value() - theirs.value(), mine.low() - theirs.high(), mine.high() - theirs.low());
    }

    /** {@code values} each multiplied by {@code factor}. */
    private static Moments scaled(final Moments values, final double factor) {
        return new Moments(values.count(), values.mean() * factor, values.squaredDeviations() * factor * factor);
    }

    /** Where an interval stands against a limit: an upper one where higher is worse, else a lower one. */
    private static CanaryDecision.State against(final Estimate interval, final double limit,
                                                final boolean higherIsWorse) {
        if (Double.isNaN(interval.value()) || Double.isNaN(interval.low()) || Double.isNaN(interval.high())) {
            return CanaryDecision.State.UNDECIDED;
        }
        final double worst = higherIsWorse ? interval.low() : -interval.high();
        final double best = higherIsWorse ? interval.high() : -interval.low();
        final double bound = higherIsWorse ? limit : -limit;
        if (worst > bound) {
            return CanaryDecision.State.FAILING;
        }
        return best <= bound ? CanaryDecision.State.PASSING : CanaryDecision.State.UNDECIDED;
    }
}
