package dev.switchboard.routing.governance;

import java.time.Duration;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which changes to one provider need an approver's approval: any weight (or rollout percentage) raised by more than
 * {@code maxWeightStep} in one change (seed 000: "no more than 20% at a time"), and every change of the kinds in
 * {@code approvalFor}. A change that needs approval becomes a proposal that expires after {@code proposalTtl}.
 */
public record ChangePolicy(Optional<Integer> maxWeightStep, Set<Guard> approvalFor, Duration proposalTtl) {

    public static final Duration DEFAULT_PROPOSAL_TTL = Duration.ofHours(24);
    /** No change needs approval: the policy of a provider nobody gave one, as before governance. */
    public static final ChangePolicy NONE = new ChangePolicy(Optional.empty(), Set.of(), DEFAULT_PROPOSAL_TTL);

    public ChangePolicy {
        Objects.requireNonNull(maxWeightStep, "maxWeightStep");
        approvalFor = approvalFor.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(approvalFor));
        if (maxWeightStep.filter(step -> step < 0 || step > 100).isPresent()) {
            throw new IllegalArgumentException("max_weight_step must be 0-100, got " + maxWeightStep.get());
        }
        if (proposalTtl.compareTo(Duration.ofMinutes(1)) < 0 || proposalTtl.compareTo(Duration.ofDays(30)) > 0) {
            throw new IllegalArgumentException("a proposal's time to live must be from 1 minute to 30 days, got "
                + proposalTtl);
        }
    }

    public boolean requires(final Guard guard) {
        return approvalFor.contains(guard);
    }

    public boolean isNone() {
        return maxWeightStep.isEmpty() && approvalFor.isEmpty();
    }

    /** Why the policy wants these effects of one change approved; empty when the change may be applied at once. */
    public List<String> reasonsForApproval(final Collection<? extends GuardedChange> effects) {
        return effects.stream().map(effect -> effect.needsApproval(this)).flatMap(Optional::stream).toList();
    }
}
