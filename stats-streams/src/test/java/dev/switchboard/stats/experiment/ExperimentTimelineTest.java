package dev.switchboard.stats.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ExperimentTimelineTest {

    private static final Instant START = Instant.parse("2026-11-22T10:00:00Z");
    private static final ExperimentDesign DESIGN = new ExperimentDesign("e", split(),
        Metric.SUCCESS_RATE, 0.05, 0.05, 0.8, OptionalLong.of(10));

    @Test
    void shouldKeepOneSecondPeriodsWhileTheDataFitsInThem() {
        final ExperimentTimeline timeline = new ExperimentTimeline(60);
        for (int second = 0; second < 30; second++) {
            timeline.at(START.plusSeconds(second), "a").addOutcome(true, 100, 10, null);
        }

        assertThat(timeline.period()).isEqualTo(Duration.ofSeconds(1));
        assertThat(timeline.points(DESIGN)).hasSize(30);
    }

    @Test
    void shouldWidenThePeriodsAsTheDataSpreadsAndLoseNothing() {
        final ExperimentTimeline timeline = new ExperimentTimeline(60);
        for (int second = 0; second < 3_600; second++) {
            timeline.at(START.plusSeconds(second), second % 3 == 0 ? "b" : "a").addOutcome(second % 10 != 0, 100,
                null, null);
        }

        assertThat(timeline.period()).isEqualTo(Duration.ofMinutes(1));
        final List<ExperimentTimeline.Point> points = timeline.points(DESIGN);
        assertThat(points).hasSize(60);
        assertThat(points.get(0).start()).isEqualTo(START);
        assertThat(points.stream().mapToLong(p -> p.samplesInPeriod().get("a") + p.samplesInPeriod().get("b")).sum())
            .isEqualTo(3_600);
        assertThat(timeline.total().arm("b").samples()).isEqualTo(1_200);
        assertThat(timeline.total().arm("a").successes() + timeline.total().arm("b").successes()).isEqualTo(3_240);
    }

    @Test
    void shouldFoldTheSameWhateverTheOrderTheDataArrivesIn() {
        final ExperimentTimeline forward = new ExperimentTimeline(20);
        final ExperimentTimeline backward = new ExperimentTimeline(20);
        for (int second = 0; second < 500; second++) {
            forward.at(START.plusSeconds(second), "a").addOutcome(second % 4 != 0, second, null, null);
            backward.at(START.plusSeconds(499 - second), "a").addOutcome((499 - second) % 4 != 0, 499 - second, null,
                null);
        }

        assertThat(backward.period()).isEqualTo(forward.period());
        assertThat(backward.points(DESIGN).stream().map(p -> p.samplesInPeriod().get("a")).toList())
            .isEqualTo(forward.points(DESIGN).stream().map(p -> p.samplesInPeriod().get("a")).toList());
        assertThat(backward.total().arm("a").latency()).isEqualTo(forward.total().arm("a").latency());
    }

    @Test
    void shouldAnalyseEachPointOnEverythingUpToItsEnd() {
        final ExperimentTimeline timeline = new ExperimentTimeline(60);
        for (int minute = 0; minute < 10; minute++) {
            for (int i = 0; i < 10; i++) {
                timeline.at(START.plus(Duration.ofMinutes(minute)), "a").addOutcome(true, 100, null, null);
                timeline.at(START.plus(Duration.ofMinutes(minute)), "b").addOutcome(i != 0, 100, null, null);
            }
        }

        final List<ExperimentTimeline.Point> points = timeline.points(DESIGN);
        assertThat(points.get(0).upToEnd().arms().get(1).samples()).isEqualTo(10);
        final ExperimentResult last = points.get(points.size() - 1).upToEnd();
        assertThat(last.arms().get(0).samples()).isEqualTo(100);
        assertThat(last.arms().get(1).successRate().value()).isEqualTo(0.9);
        assertThat(last.minimumSampleReached()).isTrue();
    }

    /** In arm order: the first arm is the control. */
    private static Map<String, Double> split() {
        final Map<String, Double> split = new LinkedHashMap<>();
        split.put("a", 0.5);
        split.put("b", 0.5);
        return split;
    }

    @Test
    void shouldRefuseATimelineOfFewerThanTwoPeriods() {
        assertThatThrownBy(() -> new ExperimentTimeline(1)).isInstanceOf(IllegalArgumentException.class);
    }
}
