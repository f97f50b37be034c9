package dev.switchboard.routing.admin;

import dev.switchboard.common.security.Operator;
import dev.switchboard.events.ChangeProposal;

/**
 * On whose word a change to a provider is made: an operator's own, an approver's on an operator's proposal, or
 * Switchboard's own decision.
 */
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

    /** Switchboard acting on its own decision, e.g. promoting an experiment's winner: named as what decided. */
    record Automated(String actor) implements Authority {
    }

    /** An approved proposal being applied: recorded as its author's change, approved by {@code approver}. */
    record Approved(ChangeProposal proposal, Operator approver) implements Authority {
        @Override
        public String actor() {
            return proposal.getAuthor();
        }
    }
}
