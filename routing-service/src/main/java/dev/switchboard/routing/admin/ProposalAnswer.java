package dev.switchboard.routing.admin;

/**
 * The answer of a change the provider's change policy sent to an approver (202): the pending proposal, and why.
 * Nothing was changed yet.
 */
record ProposalAnswer(ProposalView data, String message) {

    static final String DESCRIPTION = "Accepted as a proposal: the provider's change policy wants an approver's "
        + "approval; nothing changed yet (GET /api/proposals/{id})";
}
