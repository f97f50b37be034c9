package dev.switchboard.stats.topology;

import dev.switchboard.events.AlertEvent;
import dev.switchboard.events.ExperimentFeedback;
import dev.switchboard.events.ShadowComparison;
import dev.switchboard.stats.alert.stream.AlertTopology;
import dev.switchboard.stats.health.VersionHealth;
import dev.switchboard.stats.daily.DailyStatsTopology;
import dev.switchboard.stats.canary.GuardrailJudge;
import dev.switchboard.stats.daily.OutcomeFacts;
import dev.switchboard.stats.experiment.ExperimentDay;
import dev.switchboard.stats.experiment.stream.ExperimentTopology;
import dev.switchboard.stats.rollout.RolloutOutput;
import dev.switchboard.stats.rollout.RolloutTopology;
import dev.switchboard.stats.shadow.ShadowStatsTopology;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.DslStoreSuppliers;

/**
 * The whole stats-streams topology: daily and minute stats, experiment arms, shadow comparisons and the canary
 * judge, and the alert rules. The app and every topology test build it through this one method, so a test drives the topology that
 * runs, sub-topologies and all.
 */
public final class StatsTopology {

    /**
     * @param windows  the stats' grace and retention
     * @param rollouts the canary judge and how often it judges
     * @param clock    the judge's clock
     * @param alertsEvery how often (wall-clock) the alert rules are evaluated, and changed experiments judged again
     * @param stores   the kind of store the topology's own state stores are, as its DSL stores are: Kafka Streams'
     *                 {@code dsl.store.suppliers.class} (RocksDB unless set)
     */
    public record Settings(DailyStatsTopology.Windows windows, RolloutTopology.Settings rollouts, Clock clock,
                           Duration alertsEvery, DslStoreSuppliers stores) {
    }

    /** The streams and tables the topology ends in. */
    public record Streams(KStream<String, OutcomeFacts> served, KStream<String, ExperimentFeedback> clientScores,
                          KTable<Windowed<String>, ExperimentDay> experimentDays,
                          KStream<String, ShadowComparison> shadowComparisons,
                          KStream<String, RolloutOutput> rolloutOutputs, KStream<String, AlertEvent> alerts) {
    }

    private StatsTopology() {
    }

    public static Streams build(final StreamsBuilder builder, final Settings settings) {
        final DailyStatsTopology.Windows windows = settings.windows();
        VersionHealth.table(builder); // read by the alert rules and the canary judge
        final DslStoreSuppliers stores = settings.stores();
        final KStream<String, OutcomeFacts> served = DailyStatsTopology.build(builder, windows, stores);
        final KStream<String, ExperimentFeedback> scores = ExperimentTopology.clientScores(builder);
        return new Streams(served, scores,
            ExperimentTopology.build(builder, served, scores, windows.grace(), windows.dailyRetention(),
                settings.alertsEvery(), new GuardrailJudge(), stores),
            ShadowStatsTopology.build(builder, windows.grace(), windows.dailyRetention()),
            RolloutTopology.build(builder, served, scores, settings.rollouts(), windows.grace(), settings.clock(),
                stores),
            AlertTopology.build(builder, served, settings.alertsEvery(), stores));
    }
}
