package dev.switchboard.routing.admin;

import dev.switchboard.events.ChangeProposal;
import dev.switchboard.events.ProposalStatus;
import dev.switchboard.routing.controlplane.ConfigStore;
import dev.switchboard.routing.controlplane.ConfigWriter;
import dev.switchboard.routing.governance.GuardedChange;
import dev.switchboard.routing.table.Provider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.commons.codec.digest.DigestUtils;
import org.apache.commons.codec.digest.MessageDigestAlgorithms;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.ObjectMapper;

/**
 * Where a provider's change policy is applied: a change whose effects the policy wants approved is written as a
 * pending proposal instead ({@link ApprovalRequired}), and an approved proposal's change is committed together with
 * the proposal's new state and the approval's audit record, in one transaction.
 */
final class ChangeGate {

    /** A change as it would be proposed: the admin operation and its body, to be applied as such when approved. */
    record Proposed(String action, @Nullable String target, @Nullable Object command, String summary) {
    }

    private final ConfigStore store;
    private final ConfigLog configLog;
    private final ObjectMapper json;
    private final Clock clock;
    private final String instanceId;

    ChangeGate(final ConfigStore store, final ConfigLog configLog, final ObjectMapper json, final Clock clock,
               final String instanceId) {
        this.store = store;
        this.configLog = configLog;
        this.json = json;
        this.clock = clock;
        this.instanceId = instanceId;
    }

    /**
     * Lets the change through when it is an approved proposal's, or when the provider's policy wants none of its
     * effects approved.
     *
     * @throws ApprovalRequired having written the change as a pending proposal
     */
    void admit(final Authority who, final Provider provider, final Proposed proposed,
               final List<? extends GuardedChange> effects) {
        if (who instanceof Authority.Approved) {
            return;
        }
        final List<String> reasons = provider.policy().changes().reasonsForApproval(effects);
        if (reasons.isEmpty()) {
            return;
        }
        final Instant now = clock.instant();
        final ChangeProposal proposal = ChangeProposal.newBuilder()
            .setId(UUID.randomUUID().toString().substring(0, 13))
            .setCategory(provider.category()).setProvider(provider.name())
            .setAction(proposed.action()).setTarget(proposed.target())
            .setCommand(proposed.command() == null ? "{}" : json.writeValueAsString(proposed.command()))
            .setSummary(proposed.summary()).setReasons(reasons)
            .setAuthor(who.actor()).setCreatedAt(now).setExpiresAt(now.plus(provider.policy().changes().proposalTtl()))
            .setBaseRevision(revision(provider.id())).setStatus(ProposalStatus.PENDING)
            .setRouterInstance(instanceId).build();
        configLog.commitAndSee(configLog.changes().putProposal(proposal).audit(AdminCommon.audit(who.actor(), now,
            "propose_" + proposed.action(), subject(provider, proposed), null, json.writeValueAsString(
                ProposalView.of(proposal, now, json)), instanceId), provider.id()));
        throw new ApprovalRequired(proposal);
    }

    /** Commits the change; an approved proposal's is committed with the proposal applied and the approval audited. */
    void commit(final Authority who, final ConfigWriter.ChangeSet changes) {
        if (who instanceof Authority.Approved approved) {
            final Instant now = clock.instant();
            final ChangeProposal applied = ChangeProposal.newBuilder(approved.proposal())
                .setStatus(ProposalStatus.APPLIED).setDecidedBy(approved.approver().name()).setDecidedAt(now)
                .build();
            configLog.commitAndSee(changes.putProposal(applied).auditFirst(AdminCommon.audit(approved.approver().name(), now,
                "approve_proposal", applied.getCategory() + "/" + applied.getProvider(), null,
                json.writeValueAsString(ProposalView.of(applied, now, json)), instanceId),
                applied.getCategory() + "/" + applied.getProvider()));
            return;
        }
        configLog.commit(changes);
    }

    /**
     * The revision of a provider's configuration as its topics hold it: a digest of its versions' and settings'
     * records, which changes with every write to either. A proposal is applied only on the revision it was made on.
     */
    String revision(final String providerId) {
        try {
            return new DigestUtils(MessageDigestAlgorithms.SHA_256)
                .digestAsHex(store.configured(providerId).toByteBuffer()).substring(0, 24);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String subject(final Provider provider, final Proposed proposed) {
        return proposed.target() == null || proposed.action().contains("rollout") ? provider.id()
            : provider.id() + "/" + proposed.target();
    }
}
