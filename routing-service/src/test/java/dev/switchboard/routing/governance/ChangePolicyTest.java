package dev.switchboard.routing.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChangePolicyTest {

    private static final ChangePolicy SEED_000 = new ChangePolicy(Optional.of(20), Set.of(Guard.DEFAULT, Guard.DELETE),
        Duration.ofHours(1));

    @Test
    void shouldLetAWeightRiseByTheStepAndNoMore() {
        assertThat(SEED_000.reasonsForApproval(List.of(new GuardedChange.WeightRaise("v2", 10, 30)))).isEmpty();
        assertThat(SEED_000.reasonsForApproval(List.of(new GuardedChange.WeightRaise("v2", 10, 31))))
            .containsExactly("raises v2's weight by 21 (10 to 31), more than the 20 allowed in one step");
    }

    @Test
    void shouldBoundARolloutsPercentageByTheSameStep() {
        assertThat(SEED_000.reasonsForApproval(List.of(new GuardedChange.PercentageRaise("v2", 10, 50))))
            .containsExactly("raises v2's rollout percentage by 40 (10 to 50), more than the 20 allowed in one step");
        assertThat(SEED_000.reasonsForApproval(List.of(new GuardedChange.PercentageRaise("v2", 50, 10)))).isEmpty();
    }

    @Test
    void shouldAskForApprovalOfTheGuardedKindsOnly() {
        assertThat(SEED_000.reasonsForApproval(List.of(new GuardedChange.DefaultSwitch(Optional.of("v1"), "v2"),
            new GuardedChange.Activation("v3"), new GuardedChange.Deletion("v1"))))
            .containsExactly("makes v2 the default instead of v1", "deletes v1");
    }

    @Test
    void shouldLetEverythingThroughWithoutAPolicy() {
        assertThat(ChangePolicy.NONE.isNone()).isTrue();
        assertThat(ChangePolicy.NONE.reasonsForApproval(List.of(new GuardedChange.WeightRaise("v2", 0, 100),
            new GuardedChange.Restore("change 1"), new GuardedChange.RolloutStart("v2")))).isEmpty();
    }

    @Test
    void shouldRefuseAStepOrTimeToLiveOutOfRange() {
        assertThatThrownBy(() -> new ChangePolicy(Optional.of(101), Set.of(), Duration.ofHours(1)))
            .hasMessageContaining("0-100");
        assertThatThrownBy(() -> new ChangePolicy(Optional.empty(), Set.of(), Duration.ofSeconds(5)))
            .hasMessageContaining("1 minute to 30 days");
        assertThatThrownBy(() -> Guard.parse("everything")).hasMessageContaining("rollout_promote");
    }

    @Test
    void shouldApproveOnlySomeoneElsesPendingUnexpiredProposalOnItsOwnRevision() {
        final Instant now = Instant.parse("2026-12-06T12:00:00Z");
        final ApprovalCheck.Proposal proposal = new ApprovalCheck.Proposal("p1", "ops-a", true, now.plusSeconds(60),
            "rev-1");

        assertThat(ApprovalCheck.of(proposal, "ops-b", now, "rev-1")).isInstanceOf(ApprovalCheck.Granted.class);
        assertThat(reason(ApprovalCheck.of(proposal, "ops-a", now, "rev-1")))
            .isEqualTo(ApprovalCheck.Reason.OWN_PROPOSAL);
        assertThat(reason(ApprovalCheck.of(proposal, "ops-b", now.plusSeconds(60), "rev-1")))
            .isEqualTo(ApprovalCheck.Reason.EXPIRED);
        assertThat(reason(ApprovalCheck.of(proposal, "ops-b", now, "rev-2"))).isEqualTo(ApprovalCheck.Reason.STALE);
        assertThat(reason(ApprovalCheck.of(new ApprovalCheck.Proposal("p1", "ops-a", false, now.plusSeconds(60),
            "rev-1"), "ops-b", now, "rev-1"))).isEqualTo(ApprovalCheck.Reason.NOT_PENDING);
    }

    private static ApprovalCheck.Reason reason(final ApprovalCheck check) {
        return ((ApprovalCheck.Refused) check).reason();
    }
}
