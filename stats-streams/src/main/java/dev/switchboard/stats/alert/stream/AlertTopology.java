package dev.switchboard.stats.alert.stream;

import dev.switchboard.events.AlertEvent;
import dev.switchboard.events.AlertRule;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.Topics;
import dev.switchboard.stats.daily.DailyStatsTopology;
import dev.switchboard.stats.daily.OutcomeFacts;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.DslKeyValueParams;
import org.apache.kafka.streams.state.DslStoreSuppliers;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Alert rules evaluated where the outcomes are folded. The rules ({@code switchboard.alert-rules}) are a global
 * table, so every outcome task knows all of them; each task evaluates them on the per-minute totals of the versions
 * its partitions carry ({@link DailyStatsTopology#MINUTE_STORE}, no repartition), keeps each rule's state per
 * version in its own store and writes the transitions to {@code switchboard.alerts}, all in the task's exactly-once
 * transactions: a restarted task neither loses a transition nor writes one twice. Rules on a version's health read
 * the prober's latest event per version ({@link dev.switchboard.stats.health.VersionHealth}, a global table too), and
 * are evaluated by one task only, the first.
 */
public final class AlertTopology {

    public static final String RULES_STORE = "alert-rules";
    public static final String STATES_STORE = "alert-states";

    private AlertTopology() {
    }

    /**
     * @param served        the served outcomes, whose sub-topology folds the minute totals
     * @param evaluateEvery how often (wall-clock) every rule is evaluated
     * @param stores        the kind of store the rules' states are kept in
     */
    public static KStream<String, AlertEvent> build(final StreamsBuilder builder,
                                                    final KStream<String, OutcomeFacts> served,
                                                    final Duration evaluateEvery,
                                                    final DslStoreSuppliers stores) {
        builder.globalTable(Topics.ALERT_RULES, Consumed.with(Serdes.String(), EventSerdes.alertRule()),
            Materialized.<String, AlertRule, KeyValueStore<Bytes, byte[]>>as(RULES_STORE));
        builder.addStateStore(Stores.keyValueStoreBuilder(
            stores.keyValueStore(new DslKeyValueParams(STATES_STORE, false)),
            Serdes.String(), AlertStoreSerdes.state()));
        final KStream<String, AlertEvent> alerts = served.process(() -> new AlertProcessor(evaluateEvery),
            DailyStatsTopology.MINUTE_STORE, STATES_STORE);
        alerts.to(Topics.ALERTS, Produced.with(Serdes.String(), EventSerdes.alertEvent()));
        return alerts;
    }
}
