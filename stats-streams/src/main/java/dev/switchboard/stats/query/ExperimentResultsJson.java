package dev.switchboard.stats.query;

import dev.switchboard.events.Experiment;
import dev.switchboard.events.ExperimentArm;
import dev.switchboard.stats.experiment.ArmTotals;
import dev.switchboard.stats.experiment.Estimate;
import dev.switchboard.stats.experiment.ExperimentDay;
import dev.switchboard.stats.experiment.ExperimentResult;
import dev.switchboard.stats.experiment.Significance;
import dev.switchboard.stats.experiment.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** An experiment's results as JSON, with seed 002's field names where it has them. */
final class ExperimentResultsJson {

    private ExperimentResultsJson() {
    }

    static Map<String, Object> of(final Experiment experiment, final ExperimentResult result,
                                  final List<LocalStores.Window<ExperimentDay>> days) {
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("experiment_name", experiment.getName());
        body.put("status", experiment.getStatus().name().toLowerCase(Locale.ROOT));
        body.put("provider", experiment.getCategory() + "/" + experiment.getProvider());
        body.put("success_metric", result.metric().jsonName());
        body.put("confidence", result.confidence());
        body.put("minimum_sample_per_arm", result.minimumSample());
        body.put("minimum_sample_reached", result.minimumSampleReached());
        final Map<String, String> versions = new LinkedHashMap<>();
        experiment.getArms().forEach(arm -> versions.put(arm.getName(), arm.getVersion()));
        body.put("arms", result.arms().stream().map(arm -> arm(arm, versions)).toList());
        body.put("comparisons", result.comparisons().stream().map(ExperimentResultsJson::comparison).toList());
        final ExperimentResult.SampleRatio ratio = result.sampleRatio();
        final Map<String, Object> srm = new LinkedHashMap<>();
        srm.put("observed", ratio.observed());
        srm.put("expected", ratio.expected());
        srm.put("p_value", probability(ratio.pValue()));
        srm.put("mismatch", ratio.mismatch());
        body.put("sample_ratio", srm);
        // Seed 002's summary fields, for the first candidate: the verdict, whether it is significant.
        final ExperimentResult.Comparison first = result.comparisons().get(0);
        body.put("verdict", first.verdict().jsonName());
        body.put("is_significant", first.significant() && first.verdict() != Verdict.NOT_ENOUGH_DATA);
        body.put("daily", days.stream().map(day -> day(day, experiment)).toList());
        return body;
    }

    private static Map<String, Object> arm(final ExperimentResult.ArmResult arm, final Map<String, String> versions) {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("arm", arm.arm());
        json.put("version", versions.get(arm.arm()));
        json.put("samples", arm.samples());
        json.put("expected_share", arm.expectedShare());
        json.put("observed_share", number(arm.observedShare()));
        json.put("success_rate", estimate(arm.successRate()));
        json.put("mean_latency_ms", estimate(arm.meanLatencyMs()));
        json.put("p50_latency_ms", number(arm.p50LatencyMs()));
        json.put("p95_latency_ms", number(arm.p95LatencyMs()));
        json.put("mean_completion_tokens", estimate(arm.meanTokens()));
        json.put("scored", arm.scored());
        json.put("mean_score", estimate(arm.meanScore()));
        json.put("mean_cost_usd", estimate(arm.meanCostUsd()));
        return json;
    }

    private static Map<String, Object> comparison(final ExperimentResult.Comparison comparison) {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("arm", comparison.candidate());
        json.put("against", comparison.control());
        json.put("test", comparison.decisive().test());
        json.put("difference", estimate(comparison.decisive().difference()));
        json.put("p_value", probability(comparison.decisive().pValue()));
        json.put("alpha", comparison.alpha());
        json.put("significant", comparison.significant());
        json.put("verdict", comparison.verdict().jsonName());
        final List<Map<String, Object>> tests = new ArrayList<>();
        for (final Significance.Difference test : comparison.tests()) {
            final Map<String, Object> one = new LinkedHashMap<>();
            one.put("test", test.test());
            one.put("difference", estimate(test.difference()));
            one.put("p_value", probability(test.pValue()));
            tests.add(one);
        }
        json.put("tests", tests);
        return json;
    }

    /** One day per arm: what a chart of the metric over time with its band needs. */
    private static Map<String, Object> day(final LocalStores.Window<ExperimentDay> day, final Experiment experiment) {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("date", day.date().toString());
        final Map<String, Object> arms = new LinkedHashMap<>();
        for (final ExperimentArm arm : experiment.getArms()) {
            final ArmTotals totals = day.stats().byArm().get(arm.getName());
            if (totals != null) {
                final Map<String, Object> one = new LinkedHashMap<>();
                one.put("samples", totals.samples());
                one.put("successes", totals.successes());
                one.put("mean_latency_ms", number(totals.latency().mean()));
                arms.put(arm.getName(), one);
            }
        }
        json.put("arms", arms);
        return json;
    }

    private static Map<String, Object> estimate(final Estimate estimate) {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("value", number(estimate.value()));
        json.put("low", number(estimate.low()));
        json.put("high", number(estimate.high()));
        return json;
    }

    /** A p-value as computed: rounding would show a tiny one as 0. */
    private static Double probability(final double value) {
        return Double.isFinite(value) ? value : null;
    }

    /** JSON has no NaN or infinity: an estimate that does not exist yet is null. */
    private static Double number(final double value) {
        return Double.isFinite(value) ? Math.round(value * 1e6) / 1e6 : null;
    }
}
