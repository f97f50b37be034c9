package dev.switchboard.stats.canary;

import dev.switchboard.events.RolloutGate;
import dev.switchboard.stats.experiment.ArmTotals;
import dev.switchboard.stats.experiment.Guardrails;
import dev.switchboard.stats.sketch.Distribution;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Experiments' guardrails judged as canaries are: the arm is the candidate, the control its baseline, every gate
 * an always-valid interval. An arm fails once a gate's whole interval is beyond its limit and it has the judge's
 * minimum of requests; it passes once every gate's interval is within.
 */
public final class GuardrailJudge implements Guardrails {

    /** Requests an arm needs before a guardrail may stop it, as a canary needs before a roll back. */
    private static final long MINIMUM_TO_STOP = CanaryJudge.DEFAULT_MINIMUM_TO_ROLL_BACK;

    @Override
    public Standing check(final List<RolloutGate> gates, final ArmTotals control, final ArmTotals arm,
                          final double alpha) {
        if (gates.isEmpty()) {
            return new Passing();
        }
        final CanaryDecision verdict = new CanaryJudge(alpha, CanaryJudge.DEFAULT_TAU, MINIMUM_TO_STOP).judge(
            gates.stream().map(Gate::of).toList(), new CanaryJudge.Step(Duration.ZERO, 0),
            new CanaryEvidence(side(control), side(arm), Duration.ZERO));
        return switch (verdict) {
            case CanaryDecision.RollBack rollBack -> new Breached(why(rollBack));
            case CanaryDecision.Promote promote -> new Passing();
            case CanaryDecision.Hold hold -> new Unproven();
            case CanaryDecision.OutOfRotation out -> new Unproven();
        };
    }

    private static String why(final CanaryDecision.RollBack rollBack) {
        final CanaryDecision.GateStatus status = rollBack.gates().stream()
            .filter(gate -> gate.gate().equals(rollBack.failed())).findFirst().orElseThrow();
        return String.format(Locale.ROOT, "guardrail %s failed: %.4g [%.4g, %.4g]", rollBack.failed().describe(),
            status.estimate().value(), status.estimate().low(), status.estimate().high());
    }

    private static CanaryEvidence.Side side(final ArmTotals arm) {
        return new CanaryEvidence.Side(arm.samples(), arm.samples() - arm.successes(), arm.latencies(),
            Distribution.empty(), arm.scores(), arm.costs());
    }
}
