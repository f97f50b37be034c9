package dev.switchboard.stats.experiment.stream;

import dev.switchboard.events.Experiment;
import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.Topics;
import dev.switchboard.stats.daily.OutcomeFacts;
import dev.switchboard.stats.experiment.ExperimentDay;
import dev.switchboard.stats.store.ExperimentObservation;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Folds the served outcomes of experiments into per-arm totals per experiment and UTC day, and keeps every
 * experiment's definition at hand. Outcomes are keyed by version, an experiment spans several versions, so its
 * outcomes are repartitioned by experiment name (a topic of their own, only experiment traffic): one task then
 * holds an experiment's every arm, and its results are one key's lookup.
 */
public final class ExperimentTopology {

    public static final String ARMS_STORE = "experiment-arms-daily";
    public static final String DEFINITIONS_STORE = "experiment-definitions";
    static final String REPARTITION = "experiment-arms";

    private ExperimentTopology() {
    }

    /**
     * @param served the served (not shadow) outcomes, keyed by version
     * @return the experiments' days
     */
    public static KTable<Windowed<String>, ExperimentDay> build(final StreamsBuilder builder, final KStream<String, OutcomeFacts> served,
                             final Duration grace, final Duration retention) {
        builder.globalTable(Topics.EXPERIMENTS, Consumed.with(Serdes.String(), EventSerdes.experiment()),
            Materialized.<String, Experiment, KeyValueStore<Bytes, byte[]>>as(DEFINITIONS_STORE));
        return served.filter((version, outcome) -> outcome.experiment() != null && outcome.arm() != null)
            .map((version, outcome) -> KeyValue.pair(outcome.experiment(), observation(outcome)))
            .groupByKey(Grouped.with(REPARTITION, Serdes.String(), ExperimentStoreSerdes.observation()))
            .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofDays(1), grace))
            .aggregate(ExperimentDay::empty, (experiment, seen, day) -> {
                day.arm(seen.getArm()).addOutcome(seen.getSuccess(), seen.getLatencyMs(), seen.getCompletionTokens());
                return day;
            }, Materialized.<String, ExperimentDay, WindowStore<Bytes, byte[]>>as(ARMS_STORE)
                .withKeySerde(Serdes.String())
                .withValueSerde(ExperimentStoreSerdes.day())
                .withRetention(retention));
    }

    private static ExperimentObservation observation(final OutcomeFacts outcome) {
        return new ExperimentObservation(outcome.arm(), outcome.status() == OutcomeStatus.SUCCESS,
            outcome.latencyMs(), outcome.completionTokens(), outcome.eventTime());
    }
}
