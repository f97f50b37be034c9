package dev.switchboard.stats.replay;

import dev.switchboard.events.Experiment;
import dev.switchboard.events.ExperimentArm;
import dev.switchboard.stats.experiment.Estimate;
import dev.switchboard.stats.experiment.ExperimentAnalysis;
import dev.switchboard.stats.experiment.ExperimentDay;
import dev.switchboard.stats.experiment.ExperimentDesign;
import dev.switchboard.stats.experiment.ExperimentResult;
import dev.switchboard.stats.experiment.ExperimentTimeline;
import dev.switchboard.stats.experiment.Metric;
import dev.switchboard.stats.experiment.Significance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A replayed experiment as a Markdown report beside its PNG charts: the verdict, each arm's estimates, the
 * sample-ratio check, and the experiment over time (the metric per arm with its confidence band, the traffic split,
 * the sample-ratio p-value). Everything in it comes from the replay, so a past experiment reads the same way
 * whenever it is replayed again.
 */
public final class ExperimentReport {

    /** The files written: the Markdown and the charts it shows. */
    public record Written(Path markdown, List<Path> charts, ExperimentResult result) {
    }

    private ExperimentReport() {
    }

    /** Writes {@code NAME.md} and {@code NAME-metric.png}, {@code NAME-split.png}, {@code NAME-srm.png}. */
    public static Written write(final ExperimentReplay.Result replay, final Path directory, final Instant now)
        throws IOException {
        Files.createDirectories(directory);
        final Experiment experiment = replay.definition();
        final ExperimentDesign design = replay.design();
        final String name = fileName(experiment.getName());
        final List<ExperimentTimeline.Point> points = replay.timeline().points(design);
        final Path metric = directory.resolve(name + "-metric.png");
        final Path split = directory.resolve(name + "-split.png");
        final Path srm = directory.resolve(name + "-srm.png");
        ExperimentCharts.metric(metric, design, points);
        ExperimentCharts.split(split, design, points);
        ExperimentCharts.sampleRatio(srm, points, ExperimentAnalysis.SAMPLE_RATIO_ALPHA);
        final ExperimentDay total = replay.timeline().total();
        final ExperimentResult result = ExperimentAnalysis.analyze(design, design.split().keySet().stream()
            .map(arm -> total.arm(arm).toArmData(arm)).toList());
        final Path markdown = directory.resolve(name + ".md");
        Files.writeString(markdown, markdown(replay, result, now, metric, split, srm));
        return new Written(markdown, List.of(metric, split, srm), result);
    }

    private static String markdown(final ExperimentReplay.Result replay, final ExperimentResult result,
                                   final Instant now, final Path metric, final Path split, final Path srm) {
        final Experiment experiment = replay.definition();
        final ExperimentDesign design = replay.design();
        final StringBuilder md = new StringBuilder();
        md.append("# Experiment `").append(experiment.getName()).append("`\n\n");
        md.append("Provider `").append(experiment.getCategory()).append('/').append(experiment.getProvider())
            .append("`, success metric **").append(design.metric().jsonName()).append("**, status ")
            .append(experiment.getStatus().name().toLowerCase(Locale.ROOT)).append(". Alpha ")
            .append(design.alpha()).append(" (").append(format("%.3g", design.comparisonAlpha()))
            .append(" per comparison), power ").append(design.power()).append(", smallest effect worth detecting ")
            .append(design.minimumEffect()).append(".\n\n");
        md.append("Replayed from `switchboard.request-outcomes` and `switchboard.experiment-feedback`, ")
            .append(replay.from()).append(" to ").append(replay.to()).append(": ").append(replay.recordsRead())
            .append(" outcomes read (").append(replay.undecodable()).append(" undecodable), ")
            .append(replay.outcomes()).append(" in this experiment, ").append(replay.scores())
            .append(" client scores joined (").append(replay.scoresUnmatched())
            .append(" for requests outside the range). Periods of ").append(replay.timeline().period())
            .append(". Written ").append(now).append(".\n\n");

        md.append("## Verdict\n\n");
        md.append("Minimum sample per arm: ").append(result.minimumSample()).append(result.minimumSampleReached()
            ? " (reached)" : " (**not reached yet**)").append(".\n\n");
        md.append("| candidate | against | test | difference (interval) | p-value | significant | verdict |\n");
        md.append("| --- | --- | --- | --- | --- | --- | --- |\n");
        for (final ExperimentResult.Comparison comparison : result.comparisons()) {
            for (final Significance.Difference test : comparison.tests()) {
                final boolean decisive = test == comparison.decisive();
                md.append("| ").append(comparison.candidate()).append(" | ").append(comparison.control()).append(" | ")
                    .append(test.test()).append(decisive ? " (decides)" : "").append(" | ")
                    .append(estimate(design.metric(), test.difference(), true)).append(" | ")
                    .append(probability(test.pValue())).append(" | ")
                    .append(decisive ? (comparison.significant() ? "yes" : "no") : "").append(" | ")
                    .append(decisive ? "**" + comparison.verdict().jsonName() + "**" : "").append(" |\n");
            }
        }

        md.append("\n## Arms\n\n");
        md.append("| arm | version | samples | asked | observed | success rate | mean latency ms | p50 ms | p95 ms"
            + " | mean tokens | scored | mean score | cost per request $ |\n");
        md.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (final ExperimentResult.ArmResult arm : result.arms()) {
            md.append("| ").append(arm.arm()).append(arm.arm().equals(design.control()) ? " (control)" : "")
                .append(" | ").append(version(experiment, arm.arm())).append(" | ").append(arm.samples())
                .append(" | ").append(percent(arm.expectedShare())).append(" | ").append(percent(arm.observedShare()))
                .append(" | ").append(estimate(Metric.SUCCESS_RATE, arm.successRate(), false))
                .append(" | ").append(estimate(Metric.LATENCY, arm.meanLatencyMs(), false))
                .append(" | ").append(number(arm.p50LatencyMs())).append(" | ").append(number(arm.p95LatencyMs()))
                .append(" | ").append(estimate(Metric.TOKENS, arm.meanTokens(), false))
                .append(" | ").append(arm.scored())
                .append(" | ").append(estimate(Metric.SCORE, arm.meanScore(), false))
                .append(" | ").append(estimate(Metric.COST_PER_REQUEST, arm.meanCostUsd(), false)).append(" |\n");
        }
        md.append("\nIntervals are at ").append(percent(design.confidence())).append(" for each arm and at ")
            .append(percent(1 - design.comparisonAlpha())).append(" for each difference.\n");

        final ExperimentResult.SampleRatio ratio = result.sampleRatio();
        md.append("\n## Sample ratio\n\n");
        md.append(ratio.mismatch()
            ? "**Mismatch**: the arms did not get the traffic asked for (chi-square p = " + probability(ratio.pValue())
                + ", below " + ExperimentAnalysis.SAMPLE_RATIO_ALPHA + "). The assignment is broken or outcomes "
                + "were lost on one side; the comparison above cannot be trusted.\n"
            : "No mismatch: chi-square p = " + probability(ratio.pValue()) + " (a mismatch is below "
                + ExperimentAnalysis.SAMPLE_RATIO_ALPHA + ").\n");
        md.append("\n| arm | observed | expected |\n| --- | --- | --- |\n");
        for (int i = 0; i < result.arms().size(); i++) {
            md.append("| ").append(result.arms().get(i).arm()).append(" | ").append(ratio.observed()[i])
                .append(" | ").append(number(ratio.expected()[i])).append(" |\n");
        }

        md.append("\n## Over time\n\n");
        md.append("![").append(design.metric().jsonName()).append(" per arm](").append(metric.getFileName())
            .append(")\n\n![traffic split](").append(split.getFileName()).append(")\n\n![sample ratio check](")
            .append(srm.getFileName()).append(")\n");
        return md.toString();
    }

    /** A name safe as a file name on any system: what is not a letter, digit, dot, dash or underscore becomes _. */
    static String fileName(final String experiment) {
        return experiment.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static String version(final Experiment experiment, final String arm) {
        return experiment.getArms().stream().filter(one -> one.getName().equals(arm))
            .map(ExperimentArm::getVersion).findFirst().orElse("?");
    }

    /** An estimate in the metric's unit; a difference of rates is in percentage points, signed. */
    private static String estimate(final Metric metric, final Estimate estimate, final boolean difference) {
        if (!Double.isFinite(estimate.value())) {
            return "n/a";
        }
        final String pattern = switch (metric) {
            case SUCCESS_RATE -> difference ? "%+.2f pts [%+.2f, %+.2f]" : "%.2f%% [%.2f, %.2f]";
            case LATENCY -> difference ? "%+.1f ms [%+.1f, %+.1f]" : "%.1f [%.1f, %.1f]";
            case TOKENS, SCORE -> difference ? "%+.3f [%+.3f, %+.3f]" : "%.3f [%.3f, %.3f]";
            case COST_PER_REQUEST -> difference ? "%+.6f $ [%+.6f, %+.6f]" : "%.6f [%.6f, %.6f]";
        };
        final double scale = metric == Metric.SUCCESS_RATE ? 100 : 1;
        return format(pattern, estimate.value() * scale, estimate.low() * scale, estimate.high() * scale);
    }

    private static String probability(final double p) {
        if (!Double.isFinite(p)) {
            return "n/a";
        }
        return p < ExperimentCharts.SMALLEST_P ? "< 1e-16" : p < 0.001 ? format("%.2e", p) : format("%.4f", p);
    }

    private static String percent(final double share) {
        return Double.isFinite(share) ? format("%.1f%%", share * 100) : "n/a";
    }

    private static String number(final double value) {
        return Double.isFinite(value) ? format("%.1f", value) : "n/a";
    }

    private static String format(final String pattern, final Object... values) {
        return String.format(Locale.ROOT, pattern, values);
    }
}
