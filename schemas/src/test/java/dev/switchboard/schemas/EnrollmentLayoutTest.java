package dev.switchboard.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.events.EnrolledBuckets;
import dev.switchboard.events.Experiment;
import dev.switchboard.events.ExperimentArm;
import dev.switchboard.events.ExperimentMetric;
import dev.switchboard.events.ExperimentMode;
import dev.switchboard.events.ExperimentStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EnrollmentLayoutTest {

    @Test
    void shouldLayAFixedExperimentOutOverEveryBucketInArmOrderByShare() {
        final List<EnrolledBuckets> layout = EnrollmentLayout.initial(experiment(ExperimentMode.FIXED,
            new ExperimentArm("a", "v1", 0.5), new ExperimentArm("b", "v2", 0.3), new ExperimentArm("c", "v3", 0.2)));

        assertThat(layout).containsExactly(new EnrolledBuckets(0, 5_000, "a"), new EnrolledBuckets(5_000, 8_000, "b"),
            new EnrolledBuckets(8_000, 10_000, "c"));
    }

    @Test
    void shouldEnrollAFifthOfAnAdaptiveExperimentAtFirst() {
        final List<EnrolledBuckets> layout = EnrollmentLayout.initial(experiment(ExperimentMode.ADAPTIVE,
            new ExperimentArm("a", "v1", 0.5), new ExperimentArm("b", "v2", 0.5)));

        assertThat(layout).containsExactly(new EnrolledBuckets(0, 1_000, "a"), new EnrolledBuckets(1_000, 2_000, "b"));
    }

    @Test
    void shouldKeepEveryEnrolledBucketsArmAndEnrollTheNextAtTheNewShares() {
        final List<EnrolledBuckets> before = EnrollmentLayout.initial(experiment(ExperimentMode.ADAPTIVE,
            new ExperimentArm("a", "v1", 0.5), new ExperimentArm("b", "v2", 0.5)));

        final List<EnrolledBuckets> after = EnrollmentLayout.next(before, shares("a", 0.2, "b", 0.8), Set.of(),
            EnrollmentLayout.ENROLLED_PER_DECISION);

        for (int bucket = 0; bucket < 2_000; bucket++) {
            assertThat(armAt(after, bucket)).isEqualTo(armAt(before, bucket));
        }
        assertThat(after).endsWith(new EnrolledBuckets(2_000, 2_100, "a"), new EnrolledBuckets(2_100, 2_500, "b"));
        assertThat(EnrollmentLayout.enrolled(after)).isEqualTo(2_500);
    }

    @Test
    void shouldMoveOnlyAnEliminatedArmsSubjectsToTheArmsStillIn() {
        final List<EnrolledBuckets> before = List.of(new EnrolledBuckets(0, 1_000, "a"),
            new EnrolledBuckets(1_000, 2_000, "b"), new EnrolledBuckets(2_000, 3_000, "c"));

        final List<EnrolledBuckets> after = EnrollmentLayout.next(before, shares("a", 0.5, "c", 0.5), Set.of("b"), 0);

        assertThat(after).containsExactly(new EnrolledBuckets(0, 1_500, "a"), new EnrolledBuckets(1_500, 3_000, "c"));
    }

    @Test
    void shouldSendAStoppedFixedArmsSubjectsBackToTheControl() {
        final List<EnrolledBuckets> before = List.of(new EnrolledBuckets(0, 5_000, "control"),
            new EnrolledBuckets(5_000, 10_000, "b"));

        final List<EnrolledBuckets> after = EnrollmentLayout.next(before, shares("control", 1.0, "b", 0.0),
            Set.of("b"), 0);

        assertThat(after).containsExactly(new EnrolledBuckets(0, 10_000, "control"));
    }

    @Test
    void shouldGiveTheWinnerEveryBucketAndEndAnExperimentWithoutOneForEveryone() {
        final List<EnrolledBuckets> before = List.of(new EnrolledBuckets(0, 1_000, "a"),
            new EnrolledBuckets(1_000, 2_000, "b"));

        assertThat(EnrollmentLayout.next(before, shares("b", 1.0, "a", 0.0), Set.of("a"), EnrollmentLayout.BUCKETS))
            .containsExactly(new EnrolledBuckets(0, 10_000, "b"));
        assertThat(EnrollmentLayout.next(before, Map.of(), Set.of("a", "b"), EnrollmentLayout.BUCKETS)).isEmpty();
    }

    private static String armAt(final List<EnrolledBuckets> layout, final int bucket) {
        return layout.stream().filter(range -> range.getFrom() <= bucket && bucket < range.getTo())
            .map(EnrolledBuckets::getArm).findFirst().orElse(null);
    }

    private static Map<String, Double> shares(final String a, final double aShare, final String b,
                                              final double bShare) {
        final Map<String, Double> shares = new LinkedHashMap<>();
        shares.put(a, aShare);
        shares.put(b, bShare);
        return shares;
    }

    private static Experiment experiment(final ExperimentMode mode, final ExperimentArm... arms) {
        final Instant now = Instant.parse("2026-12-07T00:00:00Z");
        return Experiment.newBuilder().setName("e").setCategory("LLM").setProvider("P").setArms(List.of(arms))
            .setSuccessMetric(ExperimentMetric.SUCCESS_RATE).setDurationDays(7).setStatus(ExperimentStatus.RUNNING).setSalt("s").setCreatedBy("t").setCreatedAt(now)
            .setUpdatedAt(now).setMode(mode).build();
    }
}
