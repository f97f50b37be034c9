package dev.switchboard.prober.web;

import dev.switchboard.prober.health.HealthCheckPolicy;
import dev.switchboard.prober.kafka.HealthCheckConfigStore;
import dev.switchboard.prober.schedule.HealthReport;
import dev.switchboard.prober.schedule.ProbeScheduler;
import dev.switchboard.prober.stats.StatsClient;
import dev.switchboard.schemas.VersionKey;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Seed 001's health-check management: read and change the config, force a check of one version. */
@RestController
class HealthCheckController {

    private static final Logger log = LoggerFactory.getLogger(HealthCheckController.class);

    private static final String FIELDS = "enabled, interval_minutes, interval_seconds, max_error_count, "
        + "retry_after_hours, retry_after_minutes, retry_after_seconds";

    private final HealthCheckConfigStore config;
    private final ProbeScheduler scheduler;
    private final StatsClient stats;

    HealthCheckController(final HealthCheckConfigStore config, final ProbeScheduler scheduler,
                          final StatsClient stats) {
        this.config = config;
        this.scheduler = scheduler;
        this.stats = stats;
    }

    @GetMapping("/api/health-check/config")
    HealthAnswer<HealthCheckConfigView> config() {
        return HealthAnswer.ok(HealthCheckConfigView.of(config.current()));
    }

    @PutMapping("/api/health-check/config")
    HealthAnswer<HealthCheckConfigView> change(@RequestBody(required = false) final @Nullable HealthCheckChange body,
                                               final HttpServletRequest request) {
        if (body == null) {
            throw new BadRequestException("The body must be a JSON object with any of " + FIELDS);
        }
        final HealthCheckPolicy current = config.policy();
        final HealthCheckPolicy wanted = body.applyTo(current);
        if (wanted.equals(current)) {
            // Nothing would change (an empty body, or what GET answered sent back): nothing is written.
            return HealthAnswer.ok(HealthCheckConfigView.of(config.current()));
        }
        final var changed = config.write(wanted, "admin-api from " + request.getRemoteAddr());
        final HealthCheckConfigView view = HealthCheckConfigView.of(changed);
        log.info("Health check config changed by {}: {}", changed.updatedBy().orElse("?"), view);
        return HealthAnswer.ok(view);
    }

    /** Probes the version now, whichever prober owns it, and answers with its fresh state. */
    @PostMapping("/api/health-check/force/{category}/{name}/{version}")
    HealthAnswer<VersionHealthView> force(@PathVariable final String category, @PathVariable final String name,
                                          @PathVariable final String version) {
        final VersionKey key = ProviderHealthController.key(category, name, version);
        final HealthReport report = scheduler.checkNow(key);
        log.info("Forced check of {}: {}", key, report.health().status());
        return HealthAnswer.ok(VersionHealthView.of(key, true, Optional.of(report.health()),
            Optional.of(report.score()), stats.recent(key)));
    }
}
