package dev.switchboard.routing.admin;

import dev.switchboard.routing.governance.ChangePolicy;
import dev.switchboard.routing.governance.Guard;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Seed 000's request bodies for a provider's traffic, bound by Jackson with the seed's field names. Each checks its
 * own fields as it is made; what needs the routing table (does the version exist?) is {@link ProviderAdmin}'s.
 * A version's own fields are a {@link VersionCommand}.
 */
final class ProviderCommands {

    private ProviderCommands() {
    }

    /** {@code PUT .../weight}: {@code {"version": "v2", "weight": 30}}. */
    record WeightChange(String version, Integer weight) {
        WeightChange {
            version = Checks.text(version, "version");
            if (weight == null) {
                throw AdminException.badRequest("'weight' is required: a whole number 0-100");
            }
            Checks.wholeNumber(weight, "weight", 0, 100);
        }
    }

    /** {@code PUT .../default}: {@code {"version": "v2"}}. */
    record DefaultChange(String version) {
        DefaultChange {
            version = Checks.text(version, "version");
        }
    }

    /**
     * An adaptive experiment's winner made the provider's default with every weight: what its proposal keeps, where
     * the provider's change policy wants the switch approved.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record WinnerPromotion(String experimentName, String version, String why) {
    }

    /**
     * {@code PUT .../strategy}: the strategy, and what it needs: a sticky rollout's versions and share, the provider
     * to fall back to, the attempts per request. Fields left out keep their value.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record StrategyChange(String strategy, @Nullable RolloutSplit rollout, @Nullable String fallbackProvider,
                          @Nullable Integer maxAttempts) {
        StrategyChange {
            strategy = Checks.text(strategy, "strategy");
            if (maxAttempts != null) {
                Checks.wholeNumber(maxAttempts, "max_attempts", 1, 10);
            }
        }
    }

    /** A sticky rollout's split: {@code percentage} of the subjects on {@code candidate}, the rest on the baseline. */
    record RolloutSplit(String baseline, String candidate, Double percentage) {
        RolloutSplit {
            baseline = Checks.text(baseline, "rollout.baseline");
            candidate = Checks.text(candidate, "rollout.candidate");
            Checks.percentage(percentage, "rollout.percentage");
            if (baseline.equals(candidate)) {
                throw AdminException.badRequest("A rollout needs two different versions, got " + baseline + " twice");
            }
        }
    }

    /**
     * {@code PUT .../shadow}, seed 003's shadow mode: {@code {"candidate": "v2", "percentage": 100}} mirrors that
     * share of the requests other versions answered to the candidate; {@code {"percentage": 0}} or
     * {@code {"enabled": false}} ends it.
     */
    record ShadowChange(@Nullable String candidate, @Nullable Double percentage, @Nullable Boolean enabled) {
        ShadowChange {
            if (Boolean.FALSE.equals(enabled) || percentage != null && percentage == 0) {
                candidate = null;
            } else {
                candidate = Checks.text(candidate, "candidate");
                Checks.percentage(percentage, "percentage");
            }
        }

        /** Whether it ends the mirroring (there is no candidate then). */
        boolean ends() {
            return candidate == null;
        }
    }

    /**
     * {@code PUT .../change-policy}: which changes need an approver ({@code {"max_weight_step": 20, "approval_for":
     * ["default", "delete"], "proposal_ttl_minutes": 1440}}); {@code {}} lets every change through at once.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ChangePolicyChange(@Nullable Integer maxWeightStep, @Nullable List<String> approvalFor,
                              @Nullable Long proposalTtlMinutes) {
        ChangePolicyChange {
            if (maxWeightStep != null) {
                Checks.wholeNumber(maxWeightStep, "max_weight_step", 0, 100);
            }
            approvalFor = approvalFor == null ? List.of() : List.copyOf(approvalFor);
            approvalFor.forEach(label -> guard(label));
            if (proposalTtlMinutes != null) {
                Checks.wholeNumber(proposalTtlMinutes, "proposal_ttl_minutes", 1L, 1L, 43_200L);
            }
        }

        ChangePolicy policy() {
            final Set<Guard> guards = EnumSet.noneOf(Guard.class);
            approvalFor.forEach(label -> guards.add(guard(label)));
            return new ChangePolicy(Optional.ofNullable(maxWeightStep), guards, proposalTtlMinutes == null
                ? ChangePolicy.DEFAULT_PROPOSAL_TTL : Duration.ofMinutes(proposalTtlMinutes));
        }

        private static Guard guard(final @Nullable String label) {
            try {
                return Guard.parse(Checks.text(label, "approval_for[]"));
            } catch (IllegalArgumentException e) {
                throw AdminException.badRequest("'approval_for': " + e.getMessage());
            }
        }
    }
}
