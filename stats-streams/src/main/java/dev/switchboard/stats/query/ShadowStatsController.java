package dev.switchboard.stats.query;

import dev.switchboard.schemas.VersionKey;
import dev.switchboard.stats.shadow.ShadowDayStats;
import dev.switchboard.stats.shadow.ShadowPairStats;
import dev.switchboard.stats.shadow.ShadowStatsTopology;
import dev.switchboard.stats.json.StatsJson;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Shadow comparisons (seed 003's shadow mode) per baseline version and UTC day: each candidate mirrored beside the
 * baseline, with its error rate, latency and token differences and the similarity of its answers, per day and
 * over the whole range.
 */
@RestController
class ShadowStatsController {

    private final LocalStores stores;
    private final KeyedAnswers answers;
    private final Clock clock;

    ShadowStatsController(final LocalStores stores, final KeyedAnswers answers, final Clock clock) {
        this.stores = stores;
        this.answers = answers;
        this.clock = clock;
    }

    /** Every candidate compared with the baseline. */
    @GetMapping("/api/stats/shadow/{category}/{name}/{baseline}/daily")
    ResponseEntity<?> baseline(@PathVariable final String category, @PathVariable final String name,
                               @PathVariable final String baseline,
                               @RequestParam(required = false) final String from,
                               @RequestParam(required = false) final String to, final HttpServletRequest request) {
        return answer(QueryParameters.version(category, name, baseline), Optional.empty(),
            QueryParameters.days(from, to, clock), request);
    }

    /** One (baseline, candidate) pair. */
    @GetMapping("/api/stats/shadow/{category}/{name}/{baseline}/candidates/{candidate}/daily")
    ResponseEntity<?> pair(@PathVariable final String category, @PathVariable final String name,
                           @PathVariable final String baseline, @PathVariable final String candidate,
                           @RequestParam(required = false) final String from,
                           @RequestParam(required = false) final String to, final HttpServletRequest request) {
        final VersionKey candidateKey = QueryParameters.version(category, name, candidate);
        return answer(QueryParameters.version(category, name, baseline), Optional.of(candidateKey.version()),
            QueryParameters.days(from, to, clock), request);
    }

    private ResponseEntity<?> answer(final VersionKey baseline, final Optional<String> candidate,
                                     final QueryParameters.Days days, final HttpServletRequest request) {
        return answers.fromOwner(ShadowStatsTopology.SHADOW_STORE, baseline.toString(), request, () -> {
            final Map<String, ShadowPairStats> total = new TreeMap<>();
            final List<Map<String, Object>> data = new ArrayList<>();
            for (final LocalStores.Window<ShadowDayStats> day : stores.shadowDays(baseline, days.first(),
                    days.last())) {
                final List<Map<String, Object>> pairs = new ArrayList<>();
                day.stats().byCandidate().forEach((version, pair) -> {
                    if (candidate.map(version::equals).orElse(true)) {
                        pairs.add(StatsJson.ofShadowPair(Map.of("candidate_version", version), pair));
                        total.computeIfAbsent(version, v -> ShadowPairStats.empty()).addAll(pair);
                    }
                });
                if (!pairs.isEmpty()) {
                    data.add(Map.of("date", day.date().toString(), "candidates", pairs));
                }
            }
            final Map<String, Object> body = new LinkedHashMap<>();
            body.put("category", baseline.category());
            body.put("name", baseline.name());
            body.put("baseline_version", baseline.version());
            candidate.ifPresent(version -> body.put("candidate_version", version));
            body.put("from", days.first().toString());
            body.put("to", days.last().toString());
            body.put("data", data);
            body.put("total", total.entrySet().stream()
                .map(pair -> StatsJson.ofShadowPair(Map.of("candidate_version", pair.getKey()), pair.getValue()))
                .toList());
            final Map<String, Long> late = new LinkedHashMap<>();
            stores.lateComparisons(baseline, days.first(), days.last())
                .forEach((day, count) -> late.put(day.toString(), count));
            body.put("late_comparisons", late);
            return body;
        });
    }
}
