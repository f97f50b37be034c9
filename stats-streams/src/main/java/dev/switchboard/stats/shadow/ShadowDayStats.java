package dev.switchboard.stats.shadow;

import dev.switchboard.events.ShadowComparison;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One period of shadow comparisons against one baseline version, per candidate: comparisons are keyed by their
 * baseline, so all the candidates mirrored beside it fold into one value without a repartition.
 */
public final class ShadowDayStats {

    private final Map<String, ShadowPairStats> byCandidate;

    ShadowDayStats(final Map<String, ShadowPairStats> byCandidate) {
        this.byCandidate = new TreeMap<>(byCandidate);
    }

    public static ShadowDayStats empty() {
        return new ShadowDayStats(Map.of());
    }

    /** Folds one comparison into its candidate's totals; returns this. */
    public ShadowDayStats add(final ShadowComparison comparison) {
        byCandidate.computeIfAbsent(comparison.getCandidateVersion(), candidate -> ShadowPairStats.empty())
            .add(comparison);
        return this;
    }

    /** Candidate version to its totals, in version order. */
    public Map<String, ShadowPairStats> byCandidate() {
        return Collections.unmodifiableMap(byCandidate);
    }
}
