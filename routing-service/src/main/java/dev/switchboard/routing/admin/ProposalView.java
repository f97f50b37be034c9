package dev.switchboard.routing.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.switchboard.events.ChangeProposal;
import dev.switchboard.events.ProposalStatus;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A proposal as the admin API answers it. {@code status} is {@code expired} for a pending proposal past its time,
 * without anything written: it can no longer be approved.
 *
 * @param command the operation's body as proposed
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
record ProposalView(String id, String provider, String action, @Nullable String target, String summary,
                    List<String> reasons, String author, Instant createdAt, Instant expiresAt, String status,
                    @Nullable String decidedBy, @Nullable Instant decidedAt, @Nullable String decisionReason,
                    Object command, String baseRevision) {

    static ProposalView of(final ChangeProposal proposal, final Instant now, final ObjectMapper json) {
        return new ProposalView(proposal.getId(), proposal.getCategory() + "/" + proposal.getProvider(),
            proposal.getAction(), proposal.getTarget(), proposal.getSummary(), List.copyOf(proposal.getReasons()),
            proposal.getAuthor(), proposal.getCreatedAt(), proposal.getExpiresAt(), status(proposal, now),
            proposal.getDecidedBy(), proposal.getDecidedAt(), proposal.getDecisionReason(),
            command(proposal.getCommand(), json), proposal.getBaseRevision());
    }

    static String status(final ChangeProposal proposal, final Instant now) {
        return proposal.getStatus() == ProposalStatus.PENDING && !now.isBefore(proposal.getExpiresAt()) ? "expired"
            : proposal.getStatus().name().toLowerCase(Locale.ROOT);
    }

    private static Object command(final String command, final ObjectMapper json) {
        try {
            return json.readTree(command);
        } catch (JacksonException e) {
            return command;
        }
    }
}
