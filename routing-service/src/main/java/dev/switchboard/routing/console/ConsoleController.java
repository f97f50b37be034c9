package dev.switchboard.routing.console;

import dev.switchboard.common.security.Operator;
import dev.switchboard.common.security.Role;
import dev.switchboard.routing.RoutingProperties;
import dev.switchboard.routing.controlplane.ConfigStore;
import dev.switchboard.routing.health.HealthBoard;
import dev.switchboard.schemas.VersionKey;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * What the console needs beyond the admin API it shares with every other client (behind the admin token, like all
 * of {@code /api}): a check of the token typed at login, the providers view in one answer, and a version's recent
 * health changes as this router saw them.
 */
@RestController
class ConsoleController {

    /** The providers view's traffic covers at most the last hour. */
    static final int MAX_MINUTES = 60;

    private final ConfigStore store;
    private final ProvidersOverview overview;
    private final RecentTraffic traffic;
    private final HealthBoard health;
    private final RoutingProperties routing;
    private final Clock clock;

    ConsoleController(final ConfigStore store, final ProvidersOverview overview, final RecentTraffic traffic,
                      final HealthBoard health, final RoutingProperties routing, final Clock clock) {
        this.store = store;
        this.overview = overview;
        this.traffic = traffic;
        this.health = health;
        this.routing = routing;
        this.clock = clock;
    }

    /** Answers only with the admin token (the filter in front says why not): the console's login check. */
    /** Who is signed in, and what their role lets them do: the console shows only what they may. */
    @GetMapping("/api/console/session")
    Map<String, Object> session(final Operator operator) {
        return Map.of("data", Map.of("router_instance", routing.instanceId(), "routing_from",
            store.fromTopics() ? "config topics" : "start-up configuration", "operator", operator.name(), "role",
            operator.role().label(), "may_change", operator.may(Role.OPERATOR), "may_approve",
            operator.may(Role.APPROVER)));
    }

    @GetMapping("/api/console/providers")
    Map<String, Object> providers(@RequestParam(defaultValue = "5") final int minutes,
                                  @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false)
                                  final String authorization) {
        if (minutes < 1 || minutes > MAX_MINUTES) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
                "'minutes' must be from 1 to " + MAX_MINUTES + ", got " + minutes);
        }
        final RecentTraffic.Answer recent = traffic.lastMinutes(minutes, authorization);
        final Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("minutes", minutes);
        final Optional<Map<String, ProvidersOverview.Traffic>> byVersion = switch (recent) {
            case RecentTraffic.Answer.Counted counted -> {
                stats.put("available", true);
                stats.put("from", counted.from());
                stats.put("to", counted.to());
                yield Optional.of(counted.byVersion());
            }
            case RecentTraffic.Answer.Unavailable unavailable -> {
                stats.put("available", false);
                stats.put("reason", unavailable.reason());
                yield Optional.empty();
            }
        };
        final Map<String, Object> data = new LinkedHashMap<>();
        data.put("generated_at", clock.instant().toString());
        data.put("router_instance", routing.instanceId());
        data.put("stats", stats);
        data.put("providers", overview.providers(store.table().providers(), byVersion));
        return Map.of("data", data);
    }

    /** The version's status changes this router has seen since it started (the prober's events), newest first. */
    @GetMapping("/api/console/health-history/{category}/{name}/{version}")
    Map<String, Object> healthHistory(@PathVariable final String category, @PathVariable final String name,
                                      @PathVariable final String version) {
        final VersionKey key;
        try {
            key = new VersionKey(category, name, version);
        } catch (IllegalArgumentException e) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, e.getMessage());
        }
        final List<Map<String, Object>> changes = health.changes(key).stream().map(report -> {
            final Map<String, Object> change = new LinkedHashMap<>();
            change.put("checked_at", report.checkedAt().toString());
            change.put("status", report.status());
            change.put("score", Math.round(report.score() * 100) / 100.0);
            change.put("detail", report.detail());
            return change;
        }).toList();
        return Map.of("data", changes);
    }
}
