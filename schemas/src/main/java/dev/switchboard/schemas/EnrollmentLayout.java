package dev.switchboard.schemas;

import dev.switchboard.events.EnrolledBuckets;
import dev.switchboard.events.Experiment;
import dev.switchboard.events.ExperimentArm;
import dev.switchboard.events.ExperimentMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who is in which arm of an experiment, as bucket ranges: a subject's bucket (0-9999, the experiment's salted hash of
 * the subject, computed by routers) falls in one range, whose arm serves it. Shared by stats-streams, which decides
 * each next layout, and routers, which start from {@link #initial} before any decision: both compute the same.
 * <p>
 * Why ranges and not shares: an adaptive experiment changes its shares as evidence comes in, and a subject must keep
 * their arm all the same (unless the arm is eliminated). So a bucket once enrolled keeps its arm, and new shares
 * apply to the buckets enrolled next: an adaptive experiment enrolls {@value #FIRST_ENROLLMENT} buckets at the start
 * and {@value #ENROLLED_PER_DECISION} more at each decision. A fixed experiment enrolls every bucket at once, laid
 * out in arm order by share as it always was.
 */
public final class EnrollmentLayout {

    public static final int BUCKETS = 10_000;
    /** A fifth of the subjects at equal (or the given) shares: enough for the first decisions' evidence. */
    public static final int FIRST_ENROLLMENT = 2_000;
    /** Another twentieth at each decision: the new shares take hold without waiting for new users to come. */
    public static final int ENROLLED_PER_DECISION = 500;

    private EnrollmentLayout() {
    }

    /** The layout before any decision. */
    public static List<EnrolledBuckets> initial(final Experiment experiment) {
        final Map<String, Double> shares = new LinkedHashMap<>();
        for (final ExperimentArm arm : experiment.getArms()) {
            shares.put(arm.getName(), arm.getShare());
        }
        return laidOut(shares, experiment.getMode() == ExperimentMode.ADAPTIVE ? FIRST_ENROLLMENT : BUCKETS);
    }

    /** The first {@code enrolled} buckets cut in arm order by {@code shares}. */
    public static List<EnrolledBuckets> laidOut(final Map<String, Double> shares, final int enrolled) {
        return merged(slices(0, enrolled, shares));
    }

    /**
     * The layout after a decision: the buckets of the arms now {@code out} go to the arms with a share (by share;
     * a fixed experiment's stopped arm gives them all to its control), then up to {@code enroll} buckets not
     * enrolled yet are, by share. With no arm holding a share, the out arms' buckets leave the experiment.
     *
     * @param shares the arms' shares of what is enrolled now, in arm order; arms without one get nothing new
     */
    public static List<EnrolledBuckets> next(final List<EnrolledBuckets> layout, final Map<String, Double> shares,
                                             final Set<String> out, final int enroll) {
        final List<EnrolledBuckets> result = new ArrayList<>();
        int enrolledUpTo = 0;
        for (final EnrolledBuckets range : layout) {
            enrolledUpTo = Math.max(enrolledUpTo, range.getTo());
            if (out.contains(range.getArm())) {
                result.addAll(slices(range.getFrom(), range.getTo() - range.getFrom(), shares));
            } else {
                result.add(range);
            }
        }
        result.addAll(slices(enrolledUpTo, Math.min(enroll, BUCKETS - enrolledUpTo), shares));
        return merged(result);
    }

    /** How many buckets the layout enrolls. */
    public static int enrolled(final List<EnrolledBuckets> layout) {
        return layout.stream().mapToInt(range -> range.getTo() - range.getFrom()).sum();
    }

    /**
     * {@code count} buckets from {@code from}, cut in arm order by share: an arm's slice ends where its cumulative
     * share does, rounded, so the slices of a fixed experiment are those routers have always used.
     */
    private static List<EnrolledBuckets> slices(final int from, final int count, final Map<String, Double> shares) {
        final List<Map.Entry<String, Double>> sharing = shares.entrySet().stream()
            .filter(share -> share.getValue() > 0).toList();
        if (count <= 0 || sharing.isEmpty()) {
            return List.of();
        }
        final double total = sharing.stream().mapToDouble(Map.Entry::getValue).sum();
        final double scale = Math.abs(total - 1) < 1e-6 ? 1 : 1 / total; // shares written to add up to 1 stay as written
        final List<EnrolledBuckets> slices = new ArrayList<>();
        double upTo = 0;
        int start = from;
        for (int i = 0; i < sharing.size(); i++) {
            upTo += sharing.get(i).getValue() * scale * count;
            final int end = i == sharing.size() - 1 ? from + count : from + (int) Math.min(count, Math.round(upTo));
            if (end > start) {
                slices.add(new EnrolledBuckets(start, end, sharing.get(i).getKey()));
                start = end;
            }
        }
        return slices;
    }

    /** In bucket order, neighbours of one arm joined. */
    private static List<EnrolledBuckets> merged(final List<EnrolledBuckets> ranges) {
        final List<EnrolledBuckets> sorted = ranges.stream().sorted(Comparator.comparingInt(EnrolledBuckets::getFrom))
            .toList();
        final List<EnrolledBuckets> merged = new ArrayList<>();
        for (final EnrolledBuckets range : sorted) {
            final EnrolledBuckets last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && last.getTo() == range.getFrom() && last.getArm().equals(range.getArm())) {
                merged.set(merged.size() - 1, new EnrolledBuckets(last.getFrom(), range.getTo(), last.getArm()));
            } else {
                merged.add(range);
            }
        }
        return List.copyOf(merged);
    }
}
