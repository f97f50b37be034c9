package dev.switchboard.stats.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.events.Experiment;
import dev.switchboard.events.ExperimentArm;
import dev.switchboard.events.ExperimentMetric;
import dev.switchboard.events.ExperimentStatus;
import dev.switchboard.stats.experiment.ArmTotals;
import dev.switchboard.stats.experiment.ExperimentTimeline;
import dev.switchboard.stats.experiment.Metric;
import dev.switchboard.stats.experiment.Verdict;
import dev.switchboard.stats.experiment.stream.ExperimentDesigns;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replay's experiment report: what it says, and charts that are real PNGs. */
class ExperimentReportTest {

    private static final Instant START = Instant.parse("2026-11-22T10:00:00Z");

    @TempDir
    Path directory;

    @Test
    void shouldFlagAnAssignmentThatGaveSixtyFortyInsteadOfFiftyFifty() throws Exception {
        final ExperimentTimeline timeline = new ExperimentTimeline(60);
        final SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 2_000; i++) {
            // the injected bug: 60% of subjects land in the control of a 50/50 experiment
            timeline.at(START.plusSeconds(i), random.nextDouble() < 0.6 ? "model_a" : "model_b")
                .addOutcome(random.nextDouble() < 0.9, 100 + random.nextInt(50), 20, null);
        }

        final ExperimentReport.Written written = ExperimentReport.write(replay("srm/bug", timeline), directory, START);

        assertThat(written.result().sampleRatio().mismatch()).isTrue();
        assertThat(written.markdown().getFileName().toString()).isEqualTo("srm_bug.md");
        final String markdown = Files.readString(written.markdown());
        assertThat(markdown).contains("**Mismatch**", "| model_a | " + written.result().sampleRatio().observed()[0]
            + " | 1000.0 |");
        assertThat(markdown).contains("![sample ratio check](srm_bug-srm.png)");
        for (final Path chart : written.charts()) {
            final BufferedImage image = ImageIO.read(chart.toFile());
            assertThat(image).as(chart.toString()).isNotNull();
            assertThat(image.getWidth()).isEqualTo(ExperimentCharts.WIDTH);
            assertThat(image.getHeight()).isEqualTo(ExperimentCharts.HEIGHT);
            assertThat(distinctColours(image)).as("a drawn chart, not a blank image").isGreaterThan(10);
        }
    }

    @Test
    void shouldGiveTheVerdictAndEachArmsEstimates() throws Exception {
        final ExperimentTimeline timeline = new ExperimentTimeline(60);
        final SplittableRandom random = new SplittableRandom(4);
        for (int i = 0; i < 4_000; i++) {
            final boolean control = i % 2 == 0;
            timeline.at(START.plusSeconds(i), control ? "model_a" : "model_b")
                .addOutcome(random.nextDouble() < (control ? 0.85 : 0.95), 100, 20, null);
        }

        final ExperimentReport.Written written = ExperimentReport.write(replay("winner", timeline), directory, START);

        assertThat(written.result().comparisons().get(0).verdict()).isEqualTo(Verdict.CANDIDATE_BETTER);
        final String markdown = Files.readString(written.markdown());
        assertThat(markdown).contains("**candidate_better**", "| model_a (control) | v1 | 2000 | 50.0% | 50.0% |",
            "No mismatch", "(reached)", "4000 in this experiment");
    }

    @Test
    void shouldJudgeAFixedExperimentOnCostPerRequestLowerBeingBetter() throws Exception {
        final ExperimentTimeline timeline = new ExperimentTimeline(60);
        final SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 4_000; i++) {
            final boolean control = i % 2 == 0;
            // the same answers, the candidate priced a fifth lower
            timeline.at(START.plusSeconds(i), control ? "model_a" : "model_b").addOutcome(true, 100, 20,
                (control ? 0.0010 : 0.0008) * (0.5 + random.nextDouble()));
        }

        final ExperimentReport.Written written = ExperimentReport.write(
            replay("cheaper", timeline, ExperimentMetric.COST_PER_REQUEST), directory, START);

        assertThat(written.result().metric()).isEqualTo(Metric.COST_PER_REQUEST);
        assertThat(written.result().comparisons().get(0).verdict()).isEqualTo(Verdict.CANDIDATE_BETTER);
        assertThat(written.result().arms().get(1).meanCostUsd().value()).isCloseTo(0.0008, within(0.00003));
        assertThat(Files.readString(written.markdown())).contains("cost per request $")
            .containsPattern("\\| model_b \\| model_a \\| welch_t \\(decides\\) \\| -0\\.000\\d{3} \\$ \\[")
            .containsPattern("\\| 0\\.000[78]\\d{2} \\[0\\.000\\d{3}, 0\\.000\\d{3}\\] \\|\\n");
    }

    private static ExperimentReplay.Result replay(final String name, final ExperimentTimeline timeline) {
        return replay(name, timeline, ExperimentMetric.SUCCESS_RATE);
    }

    private static ExperimentReplay.Result replay(final String name, final ExperimentTimeline timeline,
                                                  final ExperimentMetric metric) {
        final Experiment experiment = Experiment.newBuilder().setName(name).setCategory("LLM").setProvider("P")
            .setArms(List.of(new ExperimentArm("model_a", "v1", 0.5), new ExperimentArm("model_b", "v2", 0.5)))
            .setSuccessMetric(metric).setMinimumSample(500L).setDurationDays(7)
            .setStatus(ExperimentStatus.RUNNING).setSalt("s").setCreatedBy("test").setCreatedAt(START)
            .setUpdatedAt(START).setStartedAt(START).build();
        final long outcomes = timeline.total().byArm().values().stream().mapToLong(ArmTotals::samples).sum();
        return new ExperimentReplay.Result(experiment, ExperimentDesigns.of(experiment), START,
            START.plusSeconds(4_000), outcomes, 0, outcomes, 0, 0, timeline);
    }

    private static long distinctColours(final BufferedImage image) {
        final Set<Integer> colours = new HashSet<>();
        for (int x = 0; x < image.getWidth(); x += 3) {
            for (int y = 0; y < image.getHeight(); y += 3) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }
}
