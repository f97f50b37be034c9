package dev.switchboard.routing.admin;

import dev.switchboard.common.security.Operator;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Changes waiting for an approver (behind the admin token): list and read them (viewer), approve one (approver, not
 * its author), reject one (approver) or withdraw one's own (its author).
 */
@RestController
@RequestMapping("/api/proposals")
class ProposalAdminController {

    private final ProposalAdmin proposals;

    ProposalAdminController(final ProposalAdmin proposals) {
        this.proposals = proposals;
    }

    /**
     * @param status   pending, expired, applied, rejected, withdrawn or stale
     * @param provider {@code category/name}
     */
    @GetMapping
    AdminAnswer<List<ProposalView>> list(@RequestParam(required = false) final @Nullable String status,
                                         @RequestParam(required = false) final @Nullable String provider) {
        return new AdminAnswer<>(proposals.list(Optional.ofNullable(status), Optional.ofNullable(provider)));
    }

    @GetMapping("/{id}")
    AdminAnswer<ProposalView> get(@PathVariable final String id) {
        return new AdminAnswer<>(proposals.get(id));
    }

    /** Applies the proposed change, as proposed, if the provider has not changed since. */
    @PostMapping("/{id}/approve")
    AdminAnswer<ProposalView> approve(@PathVariable final String id, final Operator operator) {
        return new AdminAnswer<>(proposals.approve(operator, id));
    }

    /** {@code {"reason": "..."}}, optional. */
    @PostMapping("/{id}/reject")
    AdminAnswer<ProposalView> reject(@PathVariable final String id,
                                     @RequestBody(required = false) final RolloutAdminController.@Nullable DecisionReason body,
                                     final Operator operator) {
        return new AdminAnswer<>(proposals.reject(operator, id, body == null ? null : body.reason()));
    }
}
