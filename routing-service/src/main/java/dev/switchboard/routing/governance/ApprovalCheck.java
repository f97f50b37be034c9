package dev.switchboard.routing.governance;

import java.time.Instant;

/** Whether a pending proposal may be approved now, and if not, why not. */
public sealed interface ApprovalCheck {

    /** What is known of a proposal when someone approves it. */
    record Proposal(String id, String author, boolean pending, Instant expiresAt, String baseRevision) {
    }

    record Granted() implements ApprovalCheck {
    }

    record Refused(Reason reason, String message) implements ApprovalCheck {
    }

    enum Reason { OWN_PROPOSAL, NOT_PENDING, EXPIRED, STALE }

    /**
     * @param currentRevision the provider's configuration revision now: a proposal is approved only on the
     *                        configuration it was made on
     */
    static ApprovalCheck of(final Proposal proposal, final String approver, final Instant now,
                            final String currentRevision) {
        if (!proposal.pending()) {
            return new Refused(Reason.NOT_PENDING, "Proposal " + proposal.id() + " is no longer pending");
        }
        if (proposal.author().equals(approver)) {
            return new Refused(Reason.OWN_PROPOSAL, "Proposal " + proposal.id() + " is " + approver
                + "'s own; another approver must approve it");
        }
        if (!now.isBefore(proposal.expiresAt())) {
            return new Refused(Reason.EXPIRED, "Proposal " + proposal.id() + " expired at " + proposal.expiresAt()
                + "; propose the change again");
        }
        if (!proposal.baseRevision().equals(currentRevision)) {
            return new Refused(Reason.STALE, "The provider's configuration changed since proposal " + proposal.id()
                + " was made, so it was not applied; look at the provider again and propose the change anew");
        }
        return new Granted();
    }
}
