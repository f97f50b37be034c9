package dev.switchboard.stats.experiment;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An experiment's data over time, in periods short enough to draw it as it went: periods start at one second and
 * widen (through widths that divide each other, so periods merge whole) whenever the data would need more than
 * {@code maxPeriods} of them, up to a day. Folded as a replay reads, in any order; memory stays bounded by the
 * number of periods, not of outcomes.
 */
public final class ExperimentTimeline {

    /** Period widths in seconds, each a multiple of the one before: 1 s to 1 day. */
    private static final long[] WIDTHS = {1, 2, 10, 30, 60, 120, 600, 1800, 3600, 7200, 21600, 43200, 86400};

    /**
     * The state of the experiment at the end of a period: what came in during the period, per arm, and the analysis
     * of everything up to its end (the estimates a dashboard would have shown then).
     */
    public record Point(Instant start, Instant end, Map<String, Long> samplesInPeriod, ExperimentResult upToEnd) {
    }

    private final int maxPeriods;
    private int width;
    private TreeMap<Long, ExperimentDay> periods = new TreeMap<>();

    public ExperimentTimeline(final int maxPeriods) {
        if (maxPeriods < 2) {
            throw new IllegalArgumentException("a timeline needs at least 2 periods, got " + maxPeriods);
        }
        this.maxPeriods = maxPeriods;
    }

    /** The totals of {@code arm} in the period holding {@code time}, to fold an outcome or a score into. */
    public ArmTotals at(final Instant time, final String arm) {
        final long second = time.getEpochSecond();
        while (width < WIDTHS.length - 1 && !periods.isEmpty()
            && span(Math.min(second, periods.firstKey()), Math.max(second, periods.lastKey())) > maxPeriods) {
            widen();
        }
        return periods.computeIfAbsent(startOf(second), start -> ExperimentDay.empty()).arm(arm);
    }

    /** The width of a period now. */
    public Duration period() {
        return Duration.ofSeconds(WIDTHS[width]);
    }

    /** Everything, over the whole timeline. */
    public ExperimentDay total() {
        final ExperimentDay total = ExperimentDay.empty();
        periods.values().forEach(total::addAll);
        return total;
    }

    /** Each period with data, in time order, with the analysis of the experiment up to its end. */
    public List<Point> points(final ExperimentDesign design) {
        final List<Point> points = new ArrayList<>();
        final ExperimentDay upToNow = ExperimentDay.empty();
        periods.forEach((start, period) -> {
            upToNow.addAll(period);
            final Map<String, Long> samples = new LinkedHashMap<>();
            design.split().keySet().forEach(arm -> samples.put(arm,
                period.byArm().containsKey(arm) ? period.byArm().get(arm).samples() : 0L));
            points.add(new Point(Instant.ofEpochSecond(start), Instant.ofEpochSecond(start + WIDTHS[width]), samples,
                ExperimentAnalysis.analyze(design, design.split().keySet().stream()
                    .map(arm -> upToNow.arm(arm).toArmData(arm)).toList())));
        });
        return points;
    }

    private long span(final long first, final long last) {
        return startOf(last) / WIDTHS[width] - startOf(first) / WIDTHS[width] + 1;
    }

    private long startOf(final long second) {
        return Math.floorDiv(second, WIDTHS[width]) * WIDTHS[width];
    }

    private void widen() {
        width++;
        final TreeMap<Long, ExperimentDay> wider = new TreeMap<>();
        periods.forEach((start, period) ->
            wider.computeIfAbsent(startOf(start), s -> ExperimentDay.empty()).addAll(period));
        periods = wider;
    }
}
