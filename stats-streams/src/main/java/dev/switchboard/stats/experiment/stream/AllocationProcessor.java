package dev.switchboard.stats.experiment.stream;

import dev.switchboard.events.Experiment;
import dev.switchboard.events.ExperimentAllocation;
import dev.switchboard.stats.experiment.ExperimentDay;
import dev.switchboard.stats.experiment.Guardrails;
import dev.switchboard.stats.store.ExperimentObservation;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Allocator} on the experiments' observations (keyed by experiment), its progress in the task's stores:
 * each decision it takes goes to {@code switchboard.experiment-allocations} in the task's exactly-once transaction,
 * with the stores' changes.
 */
final class AllocationProcessor implements Processor<String, ExperimentObservation, String, ExperimentAllocation>,
    Allocator.State {

    private static final Logger log = LoggerFactory.getLogger(AllocationProcessor.class);

    private final Allocator allocator;
    private ProcessorContext<String, ExperimentAllocation> context;
    private KeyValueStore<String, ValueAndTimestamp<Experiment>> definitions;
    /** Per experiment: the decided periods' evidence under its name, each pending period's under name#period. */
    private KeyValueStore<String, ExperimentDay> evidence;
    /** Per experiment: name#closed, the last period decided; name#late, the late observations. */
    private KeyValueStore<String, Long> counters;
    private KeyValueStore<String, ExperimentAllocation> decisions;

    AllocationProcessor(final Guardrails guardrails) {
        this.allocator = new Allocator(guardrails);
    }

    @Override
    public void init(final ProcessorContext<String, ExperimentAllocation> context) {
        this.context = context;
        this.definitions = context.getStateStore(ExperimentTopology.DEFINITIONS_STORE);
        this.evidence = context.getStateStore(ExperimentTopology.ALLOCATION_EVIDENCE_STORE);
        this.counters = context.getStateStore(ExperimentTopology.ALLOCATION_COUNTERS_STORE);
        this.decisions = context.getStateStore(ExperimentTopology.ALLOCATIONS_STORE);
    }

    @Override
    public void process(final Record<String, ExperimentObservation> record) {
        final ValueAndTimestamp<Experiment> definition = definitions.get(record.key());
        if (definition == null || definition.value() == null) {
            return;
        }
        for (final ExperimentAllocation decision : allocator.observe(definition.value(), record.value(),
            Instant.ofEpochMilli(record.timestamp()), this)) {
            log.info("Experiment {} decision {} (period {}, {} outcomes): {}, {}; shares {}",
                decision.getExperiment(), decision.getSequence(), decision.getPeriod(), decision.getOutcomesSeen(),
                decision.getState().name().toLowerCase(Locale.ROOT), decision.getReason(), shares(decision));
            context.forward(new Record<>(decision.getExperiment(), decision, decision.getDecidedAt().toEpochMilli()));
        }
    }

    private static Map<String, Double> shares(final ExperimentAllocation decision) {
        final Map<String, Double> shares = new LinkedHashMap<>();
        decision.getArms().forEach(arm -> shares.put(arm.getArm(), Math.round(arm.getShare() * 1000) / 1000.0));
        return shares;
    }

    @Override
    public ExperimentDay decided(final String experiment) {
        return Optional.ofNullable(evidence.get(experiment)).orElseGet(ExperimentDay::empty);
    }

    @Override
    public void decided(final String experiment, final ExperimentDay totals) {
        evidence.put(experiment, totals);
    }

    @Override
    public Map<Long, ExperimentDay> pending(final String experiment, final long from, final long to) {
        final Map<Long, ExperimentDay> pending = new LinkedHashMap<>();
        try (KeyValueIterator<String, ExperimentDay> range = evidence.range(periodKey(experiment, from),
            periodKey(experiment, to))) {
            range.forEachRemaining((KeyValue<String, ExperimentDay> entry) -> pending.put(
                Long.parseLong(entry.key.substring(entry.key.lastIndexOf('#') + 1)), entry.value));
        }
        return pending;
    }

    @Override
    public void pending(final String experiment, final long period, final ExperimentDay day) {
        evidence.put(periodKey(experiment, period), day);
    }

    @Override
    public void forget(final String experiment, final long period) {
        evidence.delete(periodKey(experiment, period));
    }

    /** Experiment names cannot hold '#'; the period zero-padded so the keys sort as the periods do. */
    private static String periodKey(final String experiment, final long period) {
        return experiment + "#" + String.format(Locale.ROOT, "%019d", period);
    }

    @Override
    public long closed(final String experiment) {
        return Optional.ofNullable(counters.get(experiment + "#closed")).orElse(-1L);
    }

    @Override
    public void closed(final String experiment, final long period) {
        counters.put(experiment + "#closed", period);
    }

    @Override
    public long late(final String experiment) {
        return Optional.ofNullable(counters.get(experiment + "#late")).orElse(0L);
    }

    @Override
    public void late(final String experiment, final long late) {
        counters.put(experiment + "#late", late);
    }

    @Override
    public Optional<ExperimentAllocation> last(final String experiment) {
        return Optional.ofNullable(decisions.get(experiment));
    }

    @Override
    public void last(final String experiment, final ExperimentAllocation decision) {
        decisions.put(experiment, decision);
    }
}
