package dev.switchboard.stats.experiment;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** One period of an experiment: the totals of each arm, by arm name. Mutable, folded in place. */
public final class ExperimentDay {

    private final Map<String, ArmTotals> byArm;

    public ExperimentDay(final Map<String, ArmTotals> byArm) {
        this.byArm = new TreeMap<>(byArm);
    }

    public static ExperimentDay empty() {
        return new ExperimentDay(Map.of());
    }

    public ArmTotals arm(final String arm) {
        return byArm.computeIfAbsent(arm, name -> ArmTotals.empty());
    }

    public ExperimentDay addAll(final ExperimentDay other) {
        other.byArm.forEach((arm, totals) -> arm(arm).addAll(totals));
        return this;
    }

    public Map<String, ArmTotals> byArm() {
        return Collections.unmodifiableMap(byArm);
    }
}
