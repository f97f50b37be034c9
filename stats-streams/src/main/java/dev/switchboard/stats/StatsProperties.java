package dev.switchboard.stats;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of stats-streams ({@code switchboard.stats.*}).
 *
 * @param grace             how long after a UTC day ends its late outcomes still count in it
 * @param retention         how long daily totals stay queryable
 * @param minuteRetention   how long per-minute totals stay queryable (canary windows, the rolling last 24 hours)
 * @param outcomePartitions partitions of the outcome topics when this app creates them
 * @param replicationFactor replication of the topics this app creates
 * @param adminToken        the shared bearer token of {@code /api/*} ({@code SWITCHBOARD_ADMIN_TOKEN}), every role
 * @param adminTokens       named tokens with a role each ({@code SWITCHBOARD_ADMIN_TOKENS}: {@code name:role:token,...})
 * @param rollouts          the canary judge of progressive rollouts
 * @param alerts            the alert rules' evaluation
 */
@ConfigurationProperties("switchboard.stats")
public record StatsProperties(
    @DefaultValue("6h") Duration grace,
    @DefaultValue("400d") Duration retention,
    @DefaultValue("3d") Duration minuteRetention,
    @DefaultValue("6") int outcomePartitions,
    @DefaultValue("1") short replicationFactor,
    String adminToken,
    String adminTokens,
    @DefaultValue Rollouts rollouts,
    @DefaultValue Alerts alerts) {

    /**
     * @param judgeEvery how often every running rollout is judged (wall-clock); its always-valid intervals make
     *                   looking often free of extra false alarms
     * @param holdEvery  how often a rollout that stays at its step gets its evidence written as a HOLD decision
     * @param alpha      the chance over a whole step of wrongly failing or passing a gate, shared among the gates
     */
    public record Rollouts(@DefaultValue("5s") Duration judgeEvery, @DefaultValue("1m") Duration holdEvery,
                           @DefaultValue("0.05") double alpha) {
    }

    /**
     * @param evaluateEvery how often every alert rule is evaluated, and every experiment whose data changed is
     *                      judged again for its verdicts (wall-clock); a rule fires at most this much after its hold
     *                      time is up
     */
    public record Alerts(@DefaultValue("10s") Duration evaluateEvery) {
        public Alerts {
            if (evaluateEvery.isNegative() || evaluateEvery.isZero()) {
                throw new IllegalArgumentException("switchboard.stats.alerts.evaluate-every must be positive");
            }
        }
    }

    public StatsProperties {
        if (retention.compareTo(Duration.ofDays(1).plus(grace)) < 0) {
            throw new IllegalArgumentException("switchboard.stats.retention must be at least one day plus the grace");
        }
        if (minuteRetention.compareTo(Duration.ofDays(1).plus(grace)) < 0) {
            throw new IllegalArgumentException(
                "switchboard.stats.minute-retention must be at least one day plus the grace: the last 24 hours are "
                    + "read from the minutes");
        }
    }
}
