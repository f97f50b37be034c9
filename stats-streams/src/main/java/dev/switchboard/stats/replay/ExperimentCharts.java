package dev.switchboard.stats.replay;

import dev.switchboard.stats.experiment.Estimate;
import dev.switchboard.stats.experiment.ExperimentDesign;
import dev.switchboard.stats.experiment.ExperimentResult;
import dev.switchboard.stats.experiment.ExperimentTimeline;
import dev.switchboard.stats.experiment.Metric;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TimeZone;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/** The experiment report's charts, drawn to PNG with JFreeChart: the metric with its bands, the split, the SRM. */
final class ExperimentCharts {

    static final int WIDTH = 900;
    static final int HEIGHT = 420;
    /** The smallest p-value drawn: doubles go lower, but nobody reads a chart below it. */
    static final double SMALLEST_P = 1e-16;
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
        new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};
    private static final BasicStroke LINE = new BasicStroke(2f);
    private static final BasicStroke DASHED = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
        10f, new float[] {6f, 4f}, 0f);

    private ExperimentCharts() {
    }

    /** Each arm's estimate of the metric over everything up to each point, with its confidence band. */
    static void metric(final Path png, final ExperimentDesign design, final List<ExperimentTimeline.Point> points)
        throws IOException {
        final YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        final List<String> arms = new ArrayList<>(design.split().keySet());
        for (final String arm : arms) {
            final YIntervalSeries series = new YIntervalSeries(arm);
            for (final ExperimentTimeline.Point point : points) {
                final Estimate estimate = estimate(design.metric(), armOf(point.upToEnd(), arm));
                if (Double.isFinite(estimate.value()) && Double.isFinite(estimate.low())
                    && Double.isFinite(estimate.high())) {
                    series.add(point.end().toEpochMilli(), estimate.value(), estimate.low(), estimate.high());
                }
            }
            data.addSeries(series);
        }
        final DeviationRenderer renderer = new DeviationRenderer(true, false);
        for (int i = 0; i < arms.size(); i++) {
            renderer.setSeriesPaint(i, color(i));
            renderer.setSeriesFillPaint(i, color(i));
            renderer.setSeriesStroke(i, LINE);
        }
        renderer.setAlpha(0.2f);
        final NumberAxis values = new NumberAxis(label(design.metric()));
        values.setAutoRangeIncludesZero(false);
        if (design.metric() == Metric.COST_PER_REQUEST) { // dollars as an operator writes them, not 1E-3
            values.setNumberFormatOverride(new DecimalFormat("$0.00####",
                DecimalFormatSymbols.getInstance(Locale.ROOT)));
        }
        save(png, String.format(Locale.ROOT, "%s per arm, everything up to each time, %.0f%% confidence band",
            design.metric().jsonName(), design.confidence() * 100), new XYPlot(data, time(), values, renderer));
    }

    /** Each arm's share of each period's traffic, against the share asked for (dashed). */
    static void split(final Path png, final ExperimentDesign design, final List<ExperimentTimeline.Point> points)
        throws IOException {
        final XYSeriesCollection data = new XYSeriesCollection();
        final List<String> arms = new ArrayList<>(design.split().keySet());
        for (final String arm : arms) {
            final XYSeries series = new XYSeries(arm, false, true);
            for (final ExperimentTimeline.Point point : points) {
                final long total = point.samplesInPeriod().values().stream().mapToLong(Long::longValue).sum();
                if (total > 0) {
                    series.add(point.start().toEpochMilli(), (double) point.samplesInPeriod().get(arm) / total);
                }
            }
            data.addSeries(series);
        }
        final XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        final NumberAxis shares = new NumberAxis("share of the period's outcomes");
        shares.setRange(0, 1);
        final XYPlot plot = new XYPlot(data, time(), shares, renderer);
        for (int i = 0; i < arms.size(); i++) {
            renderer.setSeriesPaint(i, color(i));
            renderer.setSeriesStroke(i, LINE);
            final ValueMarker asked = new ValueMarker(design.split().get(arms.get(i)), color(i), DASHED);
            asked.setLabel(arms.get(i) + " asked " + Math.round(design.split().get(arms.get(i)) * 100) + "%");
            asked.setLabelAnchor(RectangleAnchor.TOP_LEFT);
            asked.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
            plot.addRangeMarker(asked);
        }
        save(png, "traffic split per period: observed (solid) and asked (dashed)", plot);
    }

    /** The sample-ratio check's p-value over everything up to each point, against the 0.001 line. */
    static void sampleRatio(final Path png, final List<ExperimentTimeline.Point> points, final double alpha)
        throws IOException {
        final XYSeries series = new XYSeries("chi-square p-value", false, true);
        for (final ExperimentTimeline.Point point : points) {
            final double p = point.upToEnd().sampleRatio().pValue();
            if (Double.isFinite(p)) {
                series.add(point.end().toEpochMilli(), Math.max(SMALLEST_P, p));
            }
        }
        final XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        renderer.setSeriesPaint(0, color(0));
        renderer.setSeriesStroke(0, LINE);
        final LogAxis pValues = new LogAxis("p-value (log scale)");
        pValues.setRange(SMALLEST_P, 1);
        pValues.setBase(10);
        pValues.setTickUnit(new NumberTickUnit(2));
        final XYPlot plot = new XYPlot(new XYSeriesCollection(series), time(), pValues, renderer);
        final ValueMarker threshold = new ValueMarker(alpha, color(3), DASHED);
        threshold.setLabel("mismatch below " + alpha);
        threshold.setLabelAnchor(RectangleAnchor.TOP_LEFT);
        threshold.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
        plot.addRangeMarker(threshold);
        save(png, "sample ratio mismatch check, everything up to each time", plot);
    }

    static Estimate estimate(final Metric metric, final ExperimentResult.ArmResult arm) {
        return switch (metric) {
            case SUCCESS_RATE -> arm.successRate();
            case LATENCY -> arm.meanLatencyMs();
            case TOKENS -> arm.meanTokens();
            case SCORE -> arm.meanScore();
            case COST_PER_REQUEST -> arm.meanCostUsd();
        };
    }

    private static String label(final Metric metric) {
        return switch (metric) {
            case SUCCESS_RATE -> "success rate";
            case LATENCY -> "mean latency (ms)";
            case TOKENS -> "mean completion tokens";
            case SCORE -> "mean client score";
            case COST_PER_REQUEST -> "cost per request ($)";
        };
    }

    private static ExperimentResult.ArmResult armOf(final ExperimentResult result, final String arm) {
        return result.arms().stream().filter(one -> one.arm().equals(arm)).findFirst().orElseThrow();
    }

    private static ValueAxis time() {
        final DateAxis axis = new DateAxis("time (UTC)");
        axis.setTimeZone(TimeZone.getTimeZone("UTC"));
        return axis;
    }

    private static Color color(final int index) {
        return PALETTE[index % PALETTE.length];
    }

    private static void save(final Path png, final String title, final XYPlot plot) throws IOException {
        final JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
    }
}
