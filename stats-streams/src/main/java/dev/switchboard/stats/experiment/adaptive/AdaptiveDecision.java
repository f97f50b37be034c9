package dev.switchboard.stats.experiment.adaptive;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One step of an adaptive experiment: where every arm stands (its evidence included), and whether the search goes
 * on, found its best arm, or stopped without one.
 */
public record AdaptiveDecision(Outcome outcome, List<ArmStanding> arms) {

    /** What the step decided. */
    public sealed interface Outcome permits Exploring, BestFound, NoClearWinner {
    }

    /** The search goes on with the arms' new shares. */
    public record Exploring() implements Outcome {
    }

    /** Every other arm was eliminated: {@code arm} is the best with the design's confidence. */
    public record BestFound(String arm) implements Outcome {
    }

    /** The search reached its limits (samples or time), or lost every arm to guardrails, with no arm proven best. */
    public record NoClearWinner(String reason) implements Outcome {
    }

    public AdaptiveDecision {
        arms = List.copyOf(arms);
    }

    /** The arms' shares of new users, by arm. */
    public Map<String, Double> shares() {
        return arms.stream().collect(Collectors.toMap(ArmStanding::arm, ArmStanding::share, (a, b) -> a,
            LinkedHashMap::new));
    }

    /** The arms eliminated so far, with why: the next decision's starting point. */
    public Map<String, String> eliminated() {
        return arms.stream().filter(arm -> arm.eliminated().isPresent())
            .collect(Collectors.toMap(ArmStanding::arm, arm -> arm.eliminated().orElseThrow(), (a, b) -> a,
                LinkedHashMap::new));
    }
}
