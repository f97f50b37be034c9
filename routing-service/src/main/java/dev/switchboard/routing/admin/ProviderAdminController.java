package dev.switchboard.routing.admin;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Seed 000's admin API for provider versions and their traffic split (behind the admin token). */
@RestController
@RequestMapping("/api/system-configs/provider")
class ProviderAdminController {

    /** Names who made a change in the audit trail; the admin token itself says nothing about who. */
    static final String ACTOR_HEADER = "X-Switchboard-Actor";

    private final ProviderAdmin admin;
    private final ProviderPolicyAdmin policies;
    private final AdminViews views;

    ProviderAdminController(final ProviderAdmin admin, final ProviderPolicyAdmin policies, final AdminViews views) {
        this.admin = admin;
        this.policies = policies;
        this.views = views;
    }

    @GetMapping("/{category}/{name}/versions")
    ProviderViews.VersionList versions(@PathVariable final String category, @PathVariable final String name) {
        return views.versionList(admin.provider(category, name));
    }

    @GetMapping("/{category}/{name}/grayscale")
    ProviderViews.Grayscale grayscale(@PathVariable final String category, @PathVariable final String name) {
        return views.grayscale(admin.provider(category, name));
    }

    @PutMapping("/{category}/{name}/weight")
    ProviderViews.Grayscale weight(@PathVariable final String category, @PathVariable final String name,
                               @RequestBody(required = false) final ProviderCommands.WeightChange body,
                               @RequestHeader(value = ACTOR_HEADER, defaultValue = "admin") final String actor) {
        return views.grayscale(admin.setWeight(actor, category, name, body));
    }

    @PutMapping("/{category}/{name}/default")
    ProviderViews.Grayscale defaultVersion(@PathVariable final String category, @PathVariable final String name,
                                       @RequestBody(required = false) final ProviderCommands.DefaultChange body,
                                       @RequestHeader(value = ACTOR_HEADER, defaultValue = "admin") final String actor) {
        return views.grayscale(admin.setDefault(actor, category, name, body));
    }

    @PutMapping("/{category}/{name}/strategy")
    ProviderViews.Grayscale strategy(@PathVariable final String category, @PathVariable final String name,
                                 @RequestBody(required = false) final ProviderCommands.StrategyChange body,
                                 @RequestHeader(value = ACTOR_HEADER, defaultValue = "admin") final String actor) {
        return views.grayscale(policies.setStrategy(actor, category, name, body));
    }

    @PutMapping("/{category}/{name}/shadow")
    ProviderViews.Grayscale shadow(@PathVariable final String category, @PathVariable final String name,
                               @RequestBody(required = false) final ProviderCommands.ShadowChange body,
                               @RequestHeader(value = ACTOR_HEADER, defaultValue = "admin") final String actor) {
        return views.grayscale(policies.setShadow(actor, category, name, body));
    }

    @PostMapping("/{category}/{name}/refresh")
    ProviderViews.Grayscale refresh(@PathVariable final String category, @PathVariable final String name)
        throws InterruptedException {
        return views.grayscale(admin.refresh(category, name));
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    ProviderViews.ConfigAnswer create(@RequestBody(required = false) final VersionCommand body,
                                      @RequestHeader(value = ACTOR_HEADER, defaultValue = "admin") final String actor) {
        return new ProviderViews.ConfigAnswer(AdminViews.config(admin.create(actor, body)));
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
                               @RequestHeader(value = ACTOR_HEADER, defaultValue = "admin") final String actor) {
        return new ProviderViews.ConfigAnswer(AdminViews.config(admin.update(actor, category, name, version, body)));
    }

    /** {@code .../activate} takes a version back into rotation, {@code .../deactivate} out of it. */
    @PostMapping("/{category}/{name}/versions/{version}/{action:activate|deactivate}")
    ProviderViews.ConfigAnswer setActive(@PathVariable final String category, @PathVariable final String name,
                                  @PathVariable final String version, @PathVariable final String action,
                                  @RequestHeader(value = ACTOR_HEADER, defaultValue = "admin") final String actor) {
        return new ProviderViews.ConfigAnswer(AdminViews.config(admin.setActive(actor, category, name, version,
            action.equals("activate"))));
    }

    @DeleteMapping("/{category}/{name}/versions/{version}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable final String category, @PathVariable final String name,
                                @PathVariable final String version,
                                @RequestHeader(value = ACTOR_HEADER, defaultValue = "admin") final String actor) {
        admin.delete(actor, category, name, version);
    }
}
