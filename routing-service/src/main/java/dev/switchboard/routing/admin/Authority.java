package dev.switchboard.routing.admin;

import dev.switchboard.common.security.Operator;
import dev.switchboard.events.ChangeProposal;

/** On whose word a change to a provider is made: an operator's own, or an approver's on an operator's proposal. */
sealed interface Authority {

    /** The name the change is recorded under: whoever asked for it. */
    String actor();

    static Authority of(final Operator operator) {
        return new Direct(operator);
    }

    /** An operator making a change now: the provider's change policy decides whether it needs approval first. */
    record Direct(Operator operator) implements Authority {
        @Override
        public String actor() {
            return operator.name();
        }
    }

    /** An approved proposal being applied: recorded as its author's change, approved by {@code approver}. */
    record Approved(ChangeProposal proposal, Operator approver) implements Authority {
        @Override
        public String actor() {
            return proposal.getAuthor();
        }
    }
}
