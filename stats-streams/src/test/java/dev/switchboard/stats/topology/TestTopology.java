package dev.switchboard.stats.topology;

import dev.switchboard.stats.canary.CanaryJudge;
import dev.switchboard.stats.daily.DailyStatsTopology;
import dev.switchboard.stats.rollout.RolloutTopology;
import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.streams.StreamsBuilder;

/** The topology the app runs, as every topology test builds it: six hours' grace, the default judge every 5 s, alert rules
 * every 10 s. */
public final class TestTopology {

    public static final Duration GRACE = Duration.ofHours(6);
    /** How often the alert rules are evaluated (wall-clock). */
    public static final Duration ALERTS_EVERY = Duration.ofSeconds(10);

    private TestTopology() {
    }

    public static StatsTopology.Streams build(final StreamsBuilder builder, final Clock clock) {
        return StatsTopology.build(builder, new StatsTopology.Settings(
            new DailyStatsTopology.Windows(GRACE, Duration.ofDays(30), Duration.ofDays(3)),
            new RolloutTopology.Settings(Duration.ofSeconds(5), Duration.ofMinutes(1), CanaryJudge.defaults(),
                "judge-test"), clock, ALERTS_EVERY));
    }
}
