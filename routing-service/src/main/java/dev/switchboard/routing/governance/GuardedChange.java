package dev.switchboard.routing.governance;

import java.util.Optional;

/** One effect of a change on a provider that its policy may send to an approver. */
public sealed interface GuardedChange {

    /** Why {@code policy} wants this approved, or empty when it may be applied at once. */
    Optional<String> needsApproval(ChangePolicy policy);

    /** A version's weight going up: bounded by the policy's step. */
    record WeightRaise(String version, int from, int to) implements GuardedChange {
        @Override
        public Optional<String> needsApproval(final ChangePolicy policy) {
            return policy.maxWeightStep().filter(step -> to - from > step).map(step -> "raises " + version
                + "'s weight by " + (to - from) + " (" + from + " to " + to + "), more than the " + step
                + " allowed in one step");
        }
    }

    /** A sticky rollout's share of subjects going up: bounded by the same step, in points. */
    record PercentageRaise(String candidate, double from, double to) implements GuardedChange {
        @Override
        public Optional<String> needsApproval(final ChangePolicy policy) {
            return policy.maxWeightStep().filter(step -> to - from > step).map(step -> "raises " + candidate
                + "'s rollout percentage by " + points(to - from) + " (" + points(from) + " to " + points(to)
                + "), more than the " + step + " allowed in one step");
        }

        private static String points(final double value) {
            return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
        }
    }

    record DefaultSwitch(Optional<String> from, String to) implements GuardedChange {
        @Override
        public Optional<String> needsApproval(final ChangePolicy policy) {
            return policy.requires(Guard.DEFAULT) ? Optional.of("makes " + to + " the default"
                + from.map(f -> " instead of " + f).orElse("")) : Optional.empty();
        }
    }

    record Activation(String version) implements GuardedChange {
        @Override
        public Optional<String> needsApproval(final ChangePolicy policy) {
            return policy.requires(Guard.ACTIVATE) ? Optional.of("activates " + version) : Optional.empty();
        }
    }

    record Deletion(String version) implements GuardedChange {
        @Override
        public Optional<String> needsApproval(final ChangePolicy policy) {
            return policy.requires(Guard.DELETE) ? Optional.of("deletes " + version) : Optional.empty();
        }
    }

    record RolloutStart(String candidate) implements GuardedChange {
        @Override
        public Optional<String> needsApproval(final ChangePolicy policy) {
            return policy.requires(Guard.ROLLOUT_START) ? Optional.of("starts a rollout of " + candidate)
                : Optional.empty();
        }
    }

    record RolloutPromotion(String rolloutId) implements GuardedChange {
        @Override
        public Optional<String> needsApproval(final ChangePolicy policy) {
            return policy.requires(Guard.ROLLOUT_PROMOTE) ? Optional.of("promotes rollout " + rolloutId
                + " by hand") : Optional.empty();
        }
    }

    record Restore(String to) implements GuardedChange {
        @Override
        public Optional<String> needsApproval(final ChangePolicy policy) {
            return policy.requires(Guard.RESTORE) ? Optional.of("restores the configuration of " + to)
                : Optional.empty();
        }
    }
}
