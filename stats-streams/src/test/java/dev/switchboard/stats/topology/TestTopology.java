package dev.switchboard.stats.topology;

import dev.switchboard.stats.canary.CanaryJudge;
import dev.switchboard.stats.daily.DailyStatsTopology;
import dev.switchboard.stats.rollout.RolloutTopology;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;
import org.apache.kafka.streams.state.DslStoreSuppliers;

/** The topology the app runs, as every topology test builds it: six hours' grace, the default judge every 5 s, alert rules
 * every 10 s. */
public final class TestTopology {

    public static final Duration GRACE = Duration.ofHours(6);
    /** How often the alert rules are evaluated (wall-clock). */
    public static final Duration ALERTS_EVERY = Duration.ofSeconds(10);
    /** The kind of store every store is in these tests: the topology's own, and the DSL's by {@link #driverConfig}. */
    public static final DslStoreSuppliers STORES = BuiltInDslStoreSuppliers.IN_MEMORY;

    private TestTopology() {
    }

    /**
     * A TopologyTestDriver's settings. The driver commits after every record, and a commit flushes each RocksDB
     * store to a new file on disk and writes its position file with an fsync: every store is kept in memory here
     * (the same serdes, the same changelogs; the tests took five times as long on RocksDB), the DSL's by this
     * setting and the topology's own by {@link #STORES}. The app's RocksDB stores, their changelogs and restores are
     * exercised on a real broker by StatsClusterIT.
     */
    public static Properties driverConfig(final String applicationId) {
        final Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, STORES.getClass());
        return config;
    }

    public static StatsTopology.Streams build(final StreamsBuilder builder, final Clock clock) {
        return StatsTopology.build(builder, new StatsTopology.Settings(
            new DailyStatsTopology.Windows(GRACE, Duration.ofDays(30), Duration.ofDays(3)),
            new RolloutTopology.Settings(Duration.ofSeconds(5), Duration.ofMinutes(1), CanaryJudge.defaults(),
                "judge-test"), clock, ALERTS_EVERY, STORES));
    }
}
