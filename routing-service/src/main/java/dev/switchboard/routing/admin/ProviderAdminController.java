package dev.switchboard.routing.admin;

import dev.switchboard.common.security.Operator;
import dev.switchboard.routing.controlplane.AuditTrail;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.ObjectMapper;

/** Seed 000's admin API for provider versions and their traffic split (behind the admin token). */
@RestController
@RequestMapping("/api/system-configs/provider")
class ProviderAdminController {

    private final ProviderAdmin admin;
    private final ProviderPolicyAdmin policies;
    private final ProviderHistory history;
    private final AdminViews views;
    private final ObjectMapper json;

    ProviderAdminController(final ProviderAdmin admin, final ProviderPolicyAdmin policies,
                            final ProviderHistory history, final AdminViews views, final ObjectMapper json) {
        this.admin = admin;
        this.policies = policies;
        this.history = history;
        this.views = views;
        this.json = json;
    }

    @GetMapping("/{category}/{name}/versions")
    ProviderViews.VersionList versions(@PathVariable final String category, @PathVariable final String name) {
        return views.versionList(admin.provider(category, name));
    }

    @GetMapping("/{category}/{name}/grayscale")
    ProviderViews.Grayscale grayscale(@PathVariable final String category, @PathVariable final String name) {
        return views.grayscale(admin.provider(category, name));
    }

    @ApiResponse(responseCode = "200", description = "OK")
    @ApiResponse(responseCode = "202", description = ProposalAnswer.DESCRIPTION,
        content = @Content(schema = @Schema(implementation = ProposalAnswer.class)))
    @PutMapping("/{category}/{name}/weight")
    ProviderViews.Grayscale weight(@PathVariable final String category, @PathVariable final String name,
                               @RequestBody(required = false) final ProviderCommands.WeightChange body,
                               final Operator operator) {
        return views.grayscale(admin.setWeight(Authority.of(operator), category, name, body));
    }

    @ApiResponse(responseCode = "200", description = "OK")
    @ApiResponse(responseCode = "202", description = ProposalAnswer.DESCRIPTION,
        content = @Content(schema = @Schema(implementation = ProposalAnswer.class)))
    @PutMapping("/{category}/{name}/default")
    ProviderViews.Grayscale defaultVersion(@PathVariable final String category, @PathVariable final String name,
                                       @RequestBody(required = false) final ProviderCommands.DefaultChange body,
                                       final Operator operator) {
        return views.grayscale(admin.setDefault(Authority.of(operator), category, name, body));
    }

    @ApiResponse(responseCode = "200", description = "OK")
    @ApiResponse(responseCode = "202", description = ProposalAnswer.DESCRIPTION,
        content = @Content(schema = @Schema(implementation = ProposalAnswer.class)))
    @PutMapping("/{category}/{name}/strategy")
    ProviderViews.Grayscale strategy(@PathVariable final String category, @PathVariable final String name,
                                 @RequestBody(required = false) final ProviderCommands.StrategyChange body,
                                 final Operator operator) {
        return views.grayscale(policies.setStrategy(Authority.of(operator), category, name, body));
    }

    @PutMapping("/{category}/{name}/shadow")
    ProviderViews.Grayscale shadow(@PathVariable final String category, @PathVariable final String name,
                               @RequestBody(required = false) final ProviderCommands.ShadowChange body,
                               final Operator operator) {
        return views.grayscale(policies.setShadow(Authority.of(operator), category, name, body));
    }

    /** Which changes to the provider need an approver's approval; changing it needs the approver role. */
    @PutMapping("/{category}/{name}/change-policy")
    ProviderViews.Grayscale changePolicy(@PathVariable final String category, @PathVariable final String name,
                                         @RequestBody(required = false) final ProviderCommands.ChangePolicyChange body,
                                         final Operator operator) {
        return views.grayscale(policies.setChangePolicy(Authority.of(operator), category, name, body));
    }

    /**
     * Every change to the provider, newest first: who, when, what, its state before and after (secrets masked), and
     * whether it can be restored to ({@code restorable}: it carries the provider's whole configuration after it).
     */
    @GetMapping("/{category}/{name}/history")
    ProviderViews.History history(@PathVariable final String category, @PathVariable final String name,
                                  @RequestParam(defaultValue = "200") final int limit) {
        if (limit < 1 || limit > AuditController.MAX_LIMIT) {
            throw AdminException.badRequest("'limit' must be from 1 to " + AuditController.MAX_LIMIT + ", got " + limit);
        }
        final AuditTrail.Found found = history.history(category, name, limit);
        return new ProviderViews.History(found.changes().stream().map(change -> new ProviderViews.HistoryEntry(
            change.getChangeId(), change.getAt(), change.getActor(), change.getAction(), change.getSubject(),
            AuditController.parsed(json, change.getBefore()), AuditController.parsed(json, change.getAfter()),
            change.getSnapshot() != null)).toList(), found.changes().size(), found.undecodable());
    }

    /**
     * Brings the provider's whole configuration back as it was at {@code at}, or just after {@code change_id}: one
     * new change, through the provider's change policy.
     */
    @ApiResponse(responseCode = "200", description = "OK")
    @ApiResponse(responseCode = "202", description = ProposalAnswer.DESCRIPTION,
        content = @Content(schema = @Schema(implementation = ProposalAnswer.class)))
    @PostMapping("/{category}/{name}/restore")
    ProviderViews.Grayscale restore(@PathVariable final String category, @PathVariable final String name,
                                    @RequestBody(required = false) final ProviderHistory.RestoreCommand body,
                                    final Operator operator) {
        return views.grayscale(history.restore(Authority.of(operator), category, name, body));
    }

    @PostMapping("/{category}/{name}/refresh")
    ProviderViews.Grayscale refresh(@PathVariable final String category, @PathVariable final String name)
        throws InterruptedException {
        return views.grayscale(admin.refresh(category, name));
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    ProviderViews.ConfigAnswer create(@RequestBody(required = false) final VersionCommand body,
                                      final Operator operator) {
        return new ProviderViews.ConfigAnswer(AdminViews.config(admin.create(Authority.of(operator), body)));
    }

    @GetMapping("/{category}/{name}/versions/{version}")
    ProviderViews.ConfigAnswer version(@PathVariable final String category, @PathVariable final String name,
                                @PathVariable final String version) {
        return new ProviderViews.ConfigAnswer(AdminViews.config(admin.provider(category, name).version(version)
            .orElseThrow(() -> AdminException.notFound("Unknown version '" + version + "' of " + category + "/" + name))));
    }

    @PutMapping("/{category}/{name}/versions/{version}")
    ProviderViews.ConfigAnswer update(@PathVariable final String category, @PathVariable final String name,
                               @PathVariable final String version, @RequestBody(required = false) final VersionCommand body,
                               final Operator operator) {
        return new ProviderViews.ConfigAnswer(AdminViews.config(admin.update(Authority.of(operator), category, name, version, body)));
    }

    /** {@code .../activate} takes a version back into rotation, {@code .../deactivate} out of it. */
    @ApiResponse(responseCode = "200", description = "OK")
    @ApiResponse(responseCode = "202", description = ProposalAnswer.DESCRIPTION,
        content = @Content(schema = @Schema(implementation = ProposalAnswer.class)))
    @PostMapping("/{category}/{name}/versions/{version}/{action:activate|deactivate}")
    ProviderViews.ConfigAnswer setActive(@PathVariable final String category, @PathVariable final String name,
                                  @PathVariable final String version, @PathVariable final String action,
                                  final Operator operator) {
        return new ProviderViews.ConfigAnswer(AdminViews.config(admin.setActive(Authority.of(operator), category, name, version,
            action.equals("activate"))));
    }

    @ApiResponse(responseCode = "204", description = "No Content")
    @ApiResponse(responseCode = "202", description = ProposalAnswer.DESCRIPTION,
        content = @Content(schema = @Schema(implementation = ProposalAnswer.class)))
    @DeleteMapping("/{category}/{name}/versions/{version}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable final String category, @PathVariable final String name,
                                @PathVariable final String version,
                                final Operator operator) {
        admin.delete(Authority.of(operator), category, name, version);
    }
}
