package dev.switchboard.prober.web;

import dev.switchboard.prober.kafka.HealthCheckConfigStore;
import dev.switchboard.prober.schedule.HealthReport;
import dev.switchboard.prober.schedule.ProbeScheduler;
import dev.switchboard.prober.stats.StatsClient;
import dev.switchboard.schemas.VersionKey;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** Seed 001's health-check management: read and change the config, force a check of one version. */
@RestController
class HealthCheckController {

    private static final Logger log = LoggerFactory.getLogger(HealthCheckController.class);

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
    Map<String, Object> config() {
        return HealthViews.ok(HealthViews.config(config.current()));
    }

    @PutMapping("/api/health-check/config")
    Map<String, Object> change(@RequestBody final JsonNode body, final HttpServletRequest request) {
        final var changed = config.write(HealthCheckChange.apply(body, config.policy()),
            "admin-api from " + request.getRemoteAddr());
        log.info("Health check config changed by {}: {}", changed.updatedBy().orElse("?"),
            HealthViews.config(changed));
        return HealthViews.ok(HealthViews.config(changed));
    }

    /** Probes the version now, whichever prober owns it, and answers with its fresh state. */
    @PostMapping("/api/health-check/force/{category}/{name}/{version}")
    Map<String, Object> force(@PathVariable final String category, @PathVariable final String name,
                              @PathVariable final String version) {
        final VersionKey key = ProviderHealthController.key(category, name, version);
        final HealthReport report = scheduler.checkNow(key);
        log.info("Forced check of {}: {}", key, report.health().status());
        return HealthViews.ok(HealthViews.version(key, true, Optional.of(report.health()),
            Optional.of(report.score()), stats.recent(key)));
    }
}
