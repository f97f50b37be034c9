package dev.switchboard.stats.experiment.stream;

import dev.switchboard.events.Experiment;
import dev.switchboard.events.ExperimentFeedback;
import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.Topics;
import dev.switchboard.stats.daily.OutcomeFacts;
import dev.switchboard.stats.experiment.ExperimentDay;
import dev.switchboard.stats.experiment.Guardrails;
import dev.switchboard.stats.store.ExperimentObservation;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.DslKeyValueParams;
import org.apache.kafka.streams.state.DslStoreSuppliers;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.StreamJoined;
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
    static final String VERDICTS_STORE = "experiment-verdicts";
    /** Each decided experiment's evidence (decided and pending periods), its progress, and its last decision. */
    static final String ALLOCATION_EVIDENCE_STORE = "experiment-allocation-evidence";
    static final String ALLOCATION_COUNTERS_STORE = "experiment-allocation-counters";
    public static final String ALLOCATIONS_STORE = "experiment-allocations";
    static final String REPARTITION = "experiment-arms";
    static final String BY_REQUEST = "experiment-outcomes-by-request";
    static final String SCORES_JOIN = "experiment-scores";
    static final String SCORES_BY_EXPERIMENT = "experiment-scores-by-experiment";

    private ExperimentTopology() {
    }

    /**
     * Clients' scores, by request id ({@code switchboard.experiment-feedback}): read once, joined by the experiments
     * and by the rollouts ({@code rollout:{id}}).
     */
    public static KStream<String, ExperimentFeedback> clientScores(final StreamsBuilder builder) {
        return builder.stream(Topics.EXPERIMENT_FEEDBACK,
                Consumed.with(Serdes.String(), EventSerdes.experimentFeedback()))
            .filter((request, score) -> request != null && score != null && Double.isFinite(score.getScore()));
    }

    /**
     * @param served the served (not shadow) outcomes, keyed by version
     * @param grace  how long a day stays open for late events, and how long after its request a client's score is
     *               still joined to it (a day plus this)
     * @param verdictsEvery how often (wall-clock) the experiments whose days changed are judged again; a changed
     *                      verdict goes to {@code switchboard.experiment-verdicts}
     * @param stores the kind of store the verdicts are kept in (the allocations' few entries are kept in memory)
     * @return the experiments' days
     */
    public static KTable<Windowed<String>, ExperimentDay> build(final StreamsBuilder builder,
                                                                final KStream<String, OutcomeFacts> served,
                                                                final KStream<String, ExperimentFeedback> scores,
                                                                final Duration grace, final Duration retention,
                                                                final Duration verdictsEvery,
                                                                final Guardrails guardrails,
                                                                final DslStoreSuppliers stores) {
        builder.globalTable(Topics.EXPERIMENTS, Consumed.with(Serdes.String(), EventSerdes.experiment()),
            Materialized.<String, Experiment, KeyValueStore<Bytes, byte[]>>as(DEFINITIONS_STORE));
        final KStream<String, OutcomeFacts> inExperiments =
            served.filter((version, outcome) -> outcome.experiment() != null && outcome.arm() != null);
        // Each side is repartitioned by experiment on its own before they merge: merging first would put the
        // feedback's sources in the outcomes' sub-topology, and every outcome task would wait on (and check) the
        // empty feedback partitions; that cost a third of the whole topology's time.
        final KStream<String, ExperimentObservation> outcomes = inExperiments
            .map((version, outcome) -> KeyValue.pair(outcome.experiment(), observation(outcome)))
            .repartition(Repartitioned.with(Serdes.String(), ExperimentStoreSerdes.observation())
                .withName(REPARTITION));
        final KStream<String, ExperimentObservation> scored = scores(scores, inExperiments, grace)
            .repartition(Repartitioned.with(Serdes.String(), ExperimentStoreSerdes.observation())
                .withName(SCORES_BY_EXPERIMENT));
        final KStream<String, ExperimentObservation> observations = outcomes.merge(scored);
        final KTable<Windowed<String>, ExperimentDay> days = observations
            .groupByKey(Grouped.with(Serdes.String(), ExperimentStoreSerdes.observation()))
            .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofDays(1), grace))
            .aggregate(ExperimentDay::empty, (experiment, seen, day) -> fold(day, seen), Materialized.<String, ExperimentDay, WindowStore<Bytes, byte[]>>as(ARMS_STORE)
                .withKeySerde(Serdes.String())
                .withValueSerde(ExperimentStoreSerdes.day())
                .withRetention(retention));
        builder.addStateStore(Stores.keyValueStoreBuilder(
            stores.keyValueStore(new DslKeyValueParams(VERDICTS_STORE, false)),
            Serdes.String(), Serdes.String()));
        days.toStream().process(() -> new VerdictProcessor(verdictsEvery), ARMS_STORE, VERDICTS_STORE)
            .to(Topics.EXPERIMENT_VERDICTS, Produced.with(Serdes.String(), EventSerdes.experimentVerdict()));
        // A few entries per decided experiment: kept in memory, changelogged like any store, so a restart
        // restores them from their changelogs in moments and no outcome pays a RocksDB write for them.
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ALLOCATION_EVIDENCE_STORE),
            Serdes.String(), ExperimentStoreSerdes.day()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ALLOCATION_COUNTERS_STORE),
            Serdes.String(), Serdes.Long()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ALLOCATIONS_STORE),
            Serdes.String(), EventSerdes.experimentAllocation()));
        // Decided on the observations themselves, by their event time, not on the days' table: its cache forwards
        // when it flushes, which a replay would not repeat.
        observations.process(() -> new AllocationProcessor(guardrails), ALLOCATION_EVIDENCE_STORE,
                ALLOCATION_COUNTERS_STORE, ALLOCATIONS_STORE)
            .to(Topics.EXPERIMENT_ALLOCATIONS, Produced.with(Serdes.String(), EventSerdes.experimentAllocation()));
        return days;
    }

    /** One observation into an experiment's totals: a client's score counts as a score, an outcome as one. */
    static ExperimentDay fold(final ExperimentDay day, final ExperimentObservation seen) {
        if (seen.getScore() != null) {
            day.arm(seen.getArm()).addScore(seen.getScore());
        } else {
            day.arm(seen.getArm()).addOutcome(seen.getSuccess(), seen.getLatencyMs(), seen.getCompletionTokens(),
                seen.getCostUsd());
        }
        return day;
    }

    /**
     * Clients' scores joined to the outcomes of their requests by request id (both sides repartitioned by it):
     * the score counts in the arm that served the request, and only for the experiment it names. A score for a
     * request nobody saw within a day (and the grace) of it joins nothing.
     */
    private static KStream<String, ExperimentObservation> scores(final KStream<String, ExperimentFeedback> feedback,
                                                                 final KStream<String, OutcomeFacts> inExperiments,
                                                                 final Duration grace) {
        return inExperiments
            .map((version, outcome) -> KeyValue.pair(outcome.requestId(), observation(outcome)))
            .repartition(Repartitioned.with(Serdes.String(), ExperimentStoreSerdes.observation())
                .withName(BY_REQUEST))
            .join(feedback, (seen, score) -> seen.getExperiment().equals(score.getExperiment())
                    ? ExperimentObservation.newBuilder(seen).setScore(score.getScore()).build() : null,
                JoinWindows.ofTimeDifferenceAndGrace(Duration.ofDays(1), grace),
                StreamJoined.with(Serdes.String(), ExperimentStoreSerdes.observation(),
                    EventSerdes.experimentFeedback()).withName(SCORES_JOIN).withStoreName(SCORES_JOIN))
            .filter((request, scored) -> scored != null)
            .selectKey((request, scored) -> scored.getExperiment());
    }

    /** What one served outcome of an experiment tells its arm: the stream's observation, and a replay's. */
    public static ExperimentObservation observation(final OutcomeFacts outcome) {
        return new ExperimentObservation(outcome.arm(), outcome.status() == OutcomeStatus.SUCCESS,
            outcome.latencyMs(), outcome.completionTokens(), outcome.eventTime(), outcome.experiment(), null,
            outcome.cost());
    }
}
