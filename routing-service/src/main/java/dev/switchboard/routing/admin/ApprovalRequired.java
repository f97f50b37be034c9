package dev.switchboard.routing.admin;

import dev.switchboard.events.ChangeProposal;

/** A change the provider's policy sends to an approver: written as a pending proposal, and answered 202 with it. */
final class ApprovalRequired extends RuntimeException {

    private final transient ChangeProposal proposal;

    ApprovalRequired(final ChangeProposal proposal) {
        super("This change needs an approver's approval (" + String.join("; ", proposal.getReasons()) + "); it is "
            + "proposal " + proposal.getId() + ", pending until " + proposal.getExpiresAt(), null, false, false);
        this.proposal = proposal;
    }

    ChangeProposal proposal() {
        return proposal;
    }
}
