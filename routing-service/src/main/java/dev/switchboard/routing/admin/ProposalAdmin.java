package dev.switchboard.routing.admin;

import dev.switchboard.common.security.Operator;
import dev.switchboard.common.security.Role;
import dev.switchboard.events.ChangeProposal;
import dev.switchboard.events.ProposalStatus;
import dev.switchboard.routing.governance.ApprovalCheck;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.ObjectMapper;

/**
 * Proposals: changes a provider's policy sent to an approver. Approving one applies its change as proposed, on the
 * configuration it was proposed on, through the same operation an operator calls; rejecting (or, by its author,
 * withdrawing) one ends it. Serialized with the changes to providers, so nothing moves between the check and the
 * change.
 */
final class ProposalAdmin {

    private final ConfigLog configLog;
    private final ChangeGate gate;
    private final ProviderAdmin providers;
    private final ProviderPolicyAdmin policies;
    private final ProviderHistory history;
    private final RolloutAdmin rollouts;
    private final ExperimentAdmin experiments;
    private final ObjectMapper json;
    private final Clock clock;
    private final String instanceId;

    ProposalAdmin(final ConfigLog configLog, final ChangeGate gate, final ProviderAdmin providers,
                  final ProviderPolicyAdmin policies, final ProviderHistory history, final RolloutAdmin rollouts,
                  final ExperimentAdmin experiments, final ObjectMapper json, final Clock clock, final String instanceId) {
        this.configLog = configLog;
        this.gate = gate;
        this.providers = providers;
        this.policies = policies;
        this.history = history;
        this.rollouts = rollouts;
        this.experiments = experiments;
        this.json = json;
        this.clock = clock;
        this.instanceId = instanceId;
    }

    /** Newest first. */
    List<ProposalView> list(final Optional<String> status, final Optional<String> provider) {
        final Instant now = clock.instant();
        return configLog.proposals().snapshot().values().stream()
            .filter(p -> provider.map(id -> id.equals(p.getCategory() + "/" + p.getProvider())).orElse(true))
            .map(p -> ProposalView.of(p, now, json))
            .filter(view -> status.map(s -> s.equalsIgnoreCase(view.status())).orElse(true))
            .sorted(Comparator.comparing(ProposalView::createdAt).reversed())
            .toList();
    }

    ProposalView get(final String id) {
        return ProposalView.of(find(id), clock.instant(), json);
    }

    /**
     * Applies a pending proposal's change. Refused (403) to its own author, (409) once it is no longer pending or has
     * expired, and (409) when the provider changed since it was proposed, which also ends it as {@code stale}.
     */
    ProposalView approve(final Operator approver, final String id) {
        synchronized (providers) {
            final ChangeProposal proposal = find(id);
            final String providerId = proposal.getCategory() + "/" + proposal.getProvider();
            final ApprovalCheck check = ApprovalCheck.of(new ApprovalCheck.Proposal(id, proposal.getAuthor(),
                proposal.getStatus() == ProposalStatus.PENDING, proposal.getExpiresAt(), proposal.getBaseRevision()),
                approver.name(), clock.instant(), gate.revision(providerId));
            if (check instanceof ApprovalCheck.Refused refused) {
                throw switch (refused.reason()) {
                    case OWN_PROPOSAL -> AdminException.forbidden(refused.message());
                    case STALE -> {
                        end(proposal, ProposalStatus.STALE, "system", refused.message());
                        yield AdminException.conflict(refused.message());
                    }
                    case NOT_PENDING, EXPIRED -> AdminException.conflict(refused.message());
                };
            }
            apply(proposal, new Authority.Approved(proposal, approver));
            return get(id);
        }
    }

    /** Ends a pending proposal unapplied: an approver rejects it, or its author withdraws it. */
    ProposalView reject(final Operator operator, final String id, final @Nullable String reason) {
        synchronized (providers) {
            final ChangeProposal proposal = find(id);
            final boolean author = proposal.getAuthor().equals(operator.name());
            if (!author && !operator.may(Role.APPROVER)) {
                throw AdminException.forbidden("Only an approver, or its author " + proposal.getAuthor()
                    + ", can end proposal " + id);
            }
            if (proposal.getStatus() != ProposalStatus.PENDING) {
                throw AdminException.conflict("Proposal " + id + " is no longer pending");
            }
            end(proposal, author ? ProposalStatus.WITHDRAWN : ProposalStatus.REJECTED, operator.name(), reason);
            return get(id);
        }
    }

    private void apply(final ChangeProposal proposal, final Authority.Approved who) {
        final String category = proposal.getCategory();
        final String name = proposal.getProvider();
        final String command = proposal.getCommand();
        switch (proposal.getAction()) {
            case "set_weight" -> providers.setWeight(who, category, name,
                json.readValue(command, ProviderCommands.WeightChange.class));
            case "set_default" -> providers.setDefault(who, category, name,
                json.readValue(command, ProviderCommands.DefaultChange.class));
            case "activate_version" -> providers.setActive(who, category, name, proposal.getTarget(), true);
            case "delete_version" -> providers.delete(who, category, name, proposal.getTarget());
            case "set_strategy" -> policies.setStrategy(who, category, name,
                json.readValue(command, ProviderCommands.StrategyChange.class));
            case "restore" -> history.restore(who, category, name,
                json.readValue(command, ProviderHistory.RestoreCommand.class));
            case "create_rollout" -> rollouts.create(who, json.readValue(command, RolloutCommand.class));
            case "promote_rollout" -> rollouts.act(who, proposal.getTarget(), "promote",
                json.readValue(command, RolloutAdminController.DecisionReason.class).reason());
            case "promote_winner" -> experiments.promoteApproved(who,
                json.readValue(command, ProviderCommands.WinnerPromotion.class));
            default -> throw AdminException.conflict("Proposal " + proposal.getId() + " is for '"
                + proposal.getAction() + "', which this router cannot apply");
        }
    }

    private void end(final ChangeProposal proposal, final ProposalStatus status, final String by,
                     final @Nullable String reason) {
        final Instant now = clock.instant();
        final ChangeProposal ended = ChangeProposal.newBuilder(proposal).setStatus(status).setDecidedBy(by)
            .setDecidedAt(now).setDecisionReason(reason).build();
        final String providerId = proposal.getCategory() + "/" + proposal.getProvider();
        configLog.commitAndSee(configLog.changes().putProposal(ended).audit(AdminCommon.audit(by, now,
            status.name().toLowerCase(Locale.ROOT) + "_proposal", providerId, null,
            json.writeValueAsString(ProposalView.of(ended, now, json)), instanceId), providerId));
    }

    private ChangeProposal find(final String id) {
        return configLog.proposals().get(id).orElseThrow(() -> AdminException.notFound("No proposal '" + id + "'"));
    }
}
