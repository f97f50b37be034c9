package dev.switchboard.stats.experiment.stream;

import dev.switchboard.events.Experiment;
import dev.switchboard.events.ExperimentMode;
import dev.switchboard.events.ExperimentOutcome;
import dev.switchboard.events.ExperimentVerdict;
import dev.switchboard.schemas.ExperimentSchedule;
import dev.switchboard.stats.experiment.ExperimentAnalysis;
import dev.switchboard.stats.experiment.ExperimentDay;
import dev.switchboard.stats.experiment.ExperimentDesign;
import dev.switchboard.stats.experiment.ExperimentResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedWindowStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the experiments whose days changed and, every {@code every} (wall-clock), analyses each as its results
 * answer does; a candidate's verdict that differs from the last one written (once the experiment has its minimum
 * sample: before, every verdict is "not enough data") becomes an {@link ExperimentVerdict}. The last verdicts are in
 * a store and the verdicts go out in the task's exactly-once transactions, so a change is told once.
 */
final class VerdictProcessor implements Processor<Windowed<String>, ExperimentDay, String, ExperimentVerdict> {

    private static final Logger log = LoggerFactory.getLogger(VerdictProcessor.class);

    private final Duration every;
    private final Set<String> changed = new LinkedHashSet<>();
    private ProcessorContext<String, ExperimentVerdict> context;
    private TimestampedWindowStore<String, ExperimentDay> days;
    private KeyValueStore<String, ValueAndTimestamp<Experiment>> definitions;
    private KeyValueStore<String, String> verdicts;

    VerdictProcessor(final Duration every) {
        this.every = every;
    }

    @Override
    public void init(final ProcessorContext<String, ExperimentVerdict> context) {
        this.context = context;
        this.days = context.getStateStore(ExperimentTopology.ARMS_STORE);
        this.definitions = context.getStateStore(ExperimentTopology.DEFINITIONS_STORE);
        this.verdicts = context.getStateStore(ExperimentTopology.VERDICTS_STORE);
        context.schedule(every, PunctuationType.WALL_CLOCK_TIME, now -> judge(Instant.ofEpochMilli(now)));
    }

    @Override
    public void process(final Record<Windowed<String>, ExperimentDay> record) {
        changed.add(record.key().key());
    }

    private void judge(final Instant now) {
        for (final String name : changed) {
            final ValueAndTimestamp<Experiment> definition = definitions.get(name);
            if (definition != null && definition.value() != null) {
                judge(definition.value(), now);
            }
        }
        changed.clear();
    }

    private void judge(final Experiment experiment, final Instant now) {
        if (experiment.getMode() == ExperimentMode.ADAPTIVE) {
            return; // its decisions, not a fixed-sample test, judge it (AllocationProcessor)
        }
        final ExperimentDesign design;
        try {
            design = ExperimentDesigns.of(experiment);
        } catch (IllegalArgumentException e) {
            log.debug("Experiment {} is not judged: {}", experiment.getName(), e.getMessage());
            return;
        }
        final ExperimentDay total = ExperimentDay.empty();
        try (WindowStoreIterator<ValueAndTimestamp<ExperimentDay>> all = days.fetch(experiment.getName(),
            ExperimentSchedule.began(experiment).minus(Duration.ofDays(1)), now)) {
            all.forEachRemaining(day -> total.addAll(day.value.value()));
        }
        final ExperimentResult result = ExperimentAnalysis.analyze(design, design.split().keySet().stream()
            .map(arm -> total.arm(arm).toArmData(arm)).toList());
        if (!result.minimumSampleReached()) {
            return;
        }
        for (final ExperimentResult.Comparison comparison : result.comparisons()) {
            final String key = experiment.getName() + "|" + comparison.candidate();
            final ExperimentOutcome verdict = ExperimentOutcome.valueOf(comparison.verdict().name());
            final String previous = verdicts.get(key);
            if (verdict.name().equals(previous)) {
                continue;
            }
            verdicts.put(key, verdict.name());
            final ExperimentVerdict event = ExperimentVerdict.newBuilder()
                .setEventId(UUID.nameUUIDFromBytes((key + "|" + verdict + "|" + now.toEpochMilli())
                    .getBytes(StandardCharsets.UTF_8)).toString())
                .setExperiment(experiment.getName()).setCategory(experiment.getCategory())
                .setProvider(experiment.getProvider()).setCandidate(comparison.candidate())
                .setControl(comparison.control()).setVerdict(verdict)
                .setPrevious(previous == null ? null : ExperimentOutcome.valueOf(previous))
                .setMetric(result.metric().jsonName()).setTest(comparison.decisive().test())
                .setDifference(comparison.decisive().difference().value()).setPValue(comparison.decisive().pValue())
                .setCandidateSamples(samples(result, comparison.candidate()))
                .setControlSamples(samples(result, comparison.control())).setDecidedAt(now).build();
            log.info("Experiment {}: {} against {} is now {} (was {})", experiment.getName(), comparison.candidate(),
                comparison.control(), verdict, previous);
            context.forward(new Record<>(experiment.getName(), event, now.toEpochMilli()));
        }
    }

    private static long samples(final ExperimentResult result, final String arm) {
        return result.arms().stream().filter(a -> a.arm().equals(arm)).mapToLong(ExperimentResult.ArmResult::samples)
            .sum();
    }
}
