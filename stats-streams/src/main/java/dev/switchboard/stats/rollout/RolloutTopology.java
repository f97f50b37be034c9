package dev.switchboard.stats.rollout;

import dev.switchboard.events.ExperimentFeedback;
import dev.switchboard.events.OutcomeStatus;
import dev.switchboard.events.Rollout;
import dev.switchboard.events.RolloutMetric;
import dev.switchboard.events.SelectionReason;
import dev.switchboard.rollout.RolloutScores;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.Topics;
import dev.switchboard.stats.canary.CanaryJudge;
import dev.switchboard.stats.daily.OutcomeFacts;
import dev.switchboard.stats.store.RolloutObservation;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.StreamJoined;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.DslKeyValueParams;
import org.apache.kafka.streams.state.DslStoreSuppliers;
import org.apache.kafka.streams.state.Stores;

/**
 * Progressive delivery in stats-streams. The served outcomes of the versions in a running rollout (which provider
 * runs which, from {@code switchboard.active-rollouts}, kept in memory on every instance) are re-keyed by rollout and
 * repartitioned to the one task that also reads the plans and the decisions: {@link RolloutProcessor} folds them
 * into each step's totals, judges, and writes decisions, audits and the settled configuration, exactly once.
 */
public final class RolloutTopology {

    public static final String STATES_STORE = "rollout-states";
    public static final String TOTALS_STORE = "rollout-step-totals";
    static final String VERSIONS_STORE = "rollout-provider-versions";
    static final String MODELS_STORE = "rollout-registered-models";
    static final String ACTIVE_STORE = "rollout-active-by-provider";
    static final String REPARTITION = "rollout-observations";
    static final String BY_REQUEST = "rollout-outcomes-by-request";
    static final String SCORES_JOIN = "rollout-scores";
    static final String SCORES_BY_ROLLOUT = "rollout-scores-by-rollout";

    /**
     * @param judgeEvery how often (wall-clock) every running rollout is judged
     * @param holdEvery  how often a rollout that stays where it is gets a HOLD decision (its evidence) written
     * @param judge      the canary judge
     * @param instance   who decides, as decisions and audits name it
     */
    public record Settings(Duration judgeEvery, Duration holdEvery, CanaryJudge judge, String instance) {
        public Settings {
            Objects.requireNonNull(judge, "judge");
            Objects.requireNonNull(instance, "instance");
            if (judgeEvery.isNegative() || judgeEvery.isZero() || holdEvery.isNegative()) {
                throw new IllegalArgumentException("the judge needs a positive interval and a hold interval >= 0");
            }
        }
    }

    private RolloutTopology() {
    }

    /**
     * @param scores clients' scores by request id; those naming a rollout ({@code rollout:{id}}) are joined to the
     *               outcome of their request (within a day and the grace) and count for the version that served it
     * @param stores the kind of store the rollouts' states and step totals are kept in
     * @return what the rollout processor writes (decisions, audits, settled configuration), each to its topic
     */
    public static KStream<String, RolloutOutput> build(final StreamsBuilder builder,
                                                       final KStream<String, OutcomeFacts> served,
                                                       final KStream<String, ExperimentFeedback> scores,
                                                       final Settings settings, final Duration grace,
                                                       final Clock clock, final DslStoreSuppliers stores) {
        final GlobalKTable<String, Rollout> active = builder.globalTable(Topics.ACTIVE_ROLLOUTS,
            Consumed.with(Serdes.String(), EventSerdes.rollout()),
            Materialized.<String, Rollout>as(Stores.inMemoryKeyValueStore(ACTIVE_STORE))
                .withKeySerde(Serdes.String()).withValueSerde(EventSerdes.rollout())
                // Every served outcome looks its provider up here; a cache in front of memory only adds a lookup.
                .withCachingDisabled());
        builder.globalTable(Topics.PROVIDER_CONFIG, Consumed.with(Serdes.String(), EventSerdes.providerVersion()),
            Materialized.<String, dev.switchboard.events.ProviderVersion, KeyValueStore<Bytes, byte[]>>as(
                VERSIONS_STORE));
        builder.globalTable(Topics.MODEL_REGISTRY, Consumed.with(Serdes.String(), EventSerdes.registeredModel()),
            Materialized.<String, dev.switchboard.events.RegisteredModel, KeyValueStore<Bytes, byte[]>>as(
                MODELS_STORE));

        final KStream<String, KeyValue<String, RolloutObservation>> inRollouts = served
            .filter((version, outcome) -> counts(outcome.status()) && !pinned(outcome))
            .join(active, (version, outcome) -> providerOf(version), RolloutTopology::observation)
            .filter((version, observation) -> observation != null);
        final KStream<String, RolloutObservation> scored = inRollouts
            .filter((version, observation) -> observation.key != null)
            .map((version, observation) -> KeyValue.pair(observation.key, observation.value))
            .repartition(Repartitioned.with(Serdes.String(), RolloutStoreSerdes.observation()).withName(BY_REQUEST))
            .join(scores.filter((request, score) -> score.getExperiment().startsWith(RolloutScores.PREFIX)),
                (seen, score) -> score.getExperiment().equals(RolloutScores.scoreOf(seen.getRolloutId()))
                    ? RolloutObservation.newBuilder(seen).setScore(score.getScore()).build() : null,
                JoinWindows.ofTimeDifferenceAndGrace(Duration.ofDays(1), grace),
                StreamJoined.with(Serdes.String(), RolloutStoreSerdes.observation(),
                    EventSerdes.experimentFeedback()).withName(SCORES_JOIN).withStoreName(SCORES_JOIN))
            .filter((request, observation) -> observation != null);
        // Each side is repartitioned by rollout on its own before they merge: merging first would join the outcomes'
        // sub-topology to the scores' (and the feedback topic's), and every outcome task would wait on their
        // partitions; the experiments' topology learned that the same way.
        final KStream<String, RolloutInput> observations =
            byRollout(inRollouts.mapValues(observation -> observation.value), REPARTITION)
            .merge(byRollout(scored, SCORES_BY_ROLLOUT))
            .mapValues(RolloutInput.Observation::new);
        final KStream<String, RolloutInput> plans = builder.stream(Topics.ROLLOUTS,
                Consumed.with(Serdes.String(), EventSerdes.rollout()))
            .filter((id, plan) -> id != null && plan != null)
            .mapValues(RolloutInput.Plan::new);
        final KStream<String, RolloutInput> decisions = builder.stream(Topics.ROLLOUT_DECISIONS,
                Consumed.with(Serdes.String(), EventSerdes.rolloutDecision()))
            .filter((id, decision) -> id != null && decision != null)
            .mapValues(RolloutInput.Decision::new);

        builder.addStateStore(Stores.keyValueStoreBuilder(
            stores.keyValueStore(new DslKeyValueParams(STATES_STORE, false)),
            Serdes.String(), RolloutStoreSerdes.state()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
            stores.keyValueStore(new DslKeyValueParams(TOTALS_STORE, false)),
            Serdes.String(), RolloutStoreSerdes.totals()));
        final KStream<String, RolloutOutput> outputs = plans.merge(decisions).merge(observations)
            .process(() -> new RolloutProcessor(settings, clock), STATES_STORE, TOTALS_STORE);
        outputs.to((key, output, context) -> output.topic(),
                Produced.with(Serdes.String(), Serdes.serdeFrom(outputBytes(), (topic, bytes) -> null)));
        return outputs;
    }

    /** To the one task that judges the rollouts (they are one partition: a rollout's inputs meet in one place). */
    private static KStream<String, RolloutObservation> byRollout(final KStream<String, RolloutObservation> seen,
                                                                 final String name) {
        return seen.selectKey((key, observation) -> observation.getRolloutId())
            .repartition(Repartitioned.with(Serdes.String(), RolloutStoreSerdes.observation())
                .withName(name).withNumberOfPartitions(1));
    }

    /** Served requests the canary counts: answered or failed by the version; a client's own error or cancel is not. */
    private static boolean counts(final OutcomeStatus status) {
        return status == OutcomeStatus.SUCCESS || status == OutcomeStatus.UPSTREAM_ERROR
            || status == OutcomeStatus.TIMEOUT;
    }

    /**
     * A client that pinned the version (to try a candidate before it gets traffic) chose it outside the rollout's
     * split: its outcomes are no evidence about the split, so the canary leaves them out.
     */
    private static boolean pinned(final OutcomeFacts outcome) {
        return outcome.selectionReason() == SelectionReason.PINNED;
    }

    /** {@code category/name} of a version key {@code category/name/version}. */
    private static String providerOf(final String version) {
        final int last = version == null ? -1 : version.lastIndexOf('/');
        return last <= 0 ? "" : version.substring(0, last);
    }

    /**
     * The outcome as its rollout's canary sees it, with its request id when a client's score may be joined to it: the
     * rollout has a quality-score gate and the outcome was routed by its split (else null, and the outcome is not
     * repartitioned by request nor held in the join's window for a day); null when it is neither version's.
     */
    private static KeyValue<String, RolloutObservation> observation(final String version, final OutcomeFacts outcome,
                                                                    final Rollout plan) {
        final String name = version.substring(version.lastIndexOf('/') + 1);
        final boolean candidate = name.equals(plan.getCandidate());
        if (!candidate && !name.equals(plan.getBaseline())) {
            return null;
        }
        final boolean scored = plan.getGates().stream()
            .anyMatch(gate -> gate.getMetric() == RolloutMetric.QUALITY_SCORE);
        return KeyValue.pair(scored ? outcome.requestId() : null, new RolloutObservation(plan.getId(), candidate,
            outcome.status() != OutcomeStatus.SUCCESS, outcome.latencyMs(),
            outcome.streamed() ? outcome.timeToFirstTokenMs() : null, outcome.eventTime(), null, outcome.cost()));
    }

    private static Serializer<RolloutOutput> outputBytes() {
        return (topic, output) -> output == null ? null : output.value();
    }
}
