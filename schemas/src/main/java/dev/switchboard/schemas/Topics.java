package dev.switchboard.schemas;

import java.time.Duration;
import java.util.List;

/**
 * Every Kafka topic Switchboard uses, with how it is kept. The one place topic names are written.
 */
public final class Topics {

    public static final String REQUEST_OUTCOMES = "switchboard.request-outcomes";
    public static final String SHADOW_COMPARISONS = "switchboard.shadow-comparisons";
    public static final String PROVIDER_HEALTH = "switchboard.provider-health";
    public static final String PROVIDER_CONFIG = "switchboard.provider-config";
    public static final String PROVIDER_SETTINGS = "switchboard.provider-settings";
    public static final String HEALTH_CHECK_CONFIG = "switchboard.health-check-config";
    public static final String CONFIG_AUDIT = "switchboard.config-audit";
    public static final String EXPERIMENTS = "switchboard.experiments";
    public static final String MODEL_REGISTRY = "switchboard.model-registry";
    public static final String EXPERIMENT_FEEDBACK = "switchboard.experiment-feedback";
    public static final String ROLLOUTS = "switchboard.rollouts";
    public static final String ROLLOUT_DECISIONS = "switchboard.rollout-decisions";
    /** Key {@code {category}/{name}}: the plan of the rollout running on that provider; a tombstone when it ends. */
    public static final String ACTIVE_ROLLOUTS = "switchboard.active-rollouts";
    public static final String DEAD_LETTERS = "switchboard.dead-letters";
    /** Key: the rule id. Thresholds that stats-streams evaluates. */
    public static final String ALERT_RULES = "switchboard.alert-rules";
    /** Key: the channel id. Where notifications go (webhook secrets included, so readers must be trusted). */
    public static final String ALERT_CHANNELS = "switchboard.alert-channels";
    /** Key {@code {rule_id}|{category}/{name}/{version}}: each rule's transitions; compaction keeps its current state. */
    public static final String ALERTS = "switchboard.alerts";
    /** Key: the experiment name. Each change of an experiment's verdict on a candidate, for the notifier. */
    public static final String EXPERIMENT_VERDICTS = "switchboard.experiment-verdicts";
    /**
     * Key: the experiment name. Every allocation and stop decision of adaptive experiments (and guardrail stops of
     * fixed ones), with its evidence: routers follow the latest, and the history is the experiment's record.
     */
    public static final String EXPERIMENT_ALLOCATIONS = "switchboard.experiment-allocations";
    /** Changes waiting for an approver, and what became of them (ChangeProposal, keyed by proposal id). */
    public static final String CHANGE_PROPOSALS = "switchboard.change-proposals";

    /** Outcomes are the source of truth for replay, so they are kept for a week unless configured otherwise. */
    public static final Duration DEFAULT_EVENT_RETENTION = Duration.ofDays(7);

    private Topics() {
    }

    /**
     * The topics with their kind. Partition counts are the defaults for a small cluster; outcomes get
     * the most because they carry the traffic.
     */
    public static List<TopicSpec> all(final int outcomePartitions, final short replicationFactor) {
        final Duration retention = DEFAULT_EVENT_RETENTION;
        return List.of(
            TopicSpec.retained(REQUEST_OUTCOMES, outcomePartitions, replicationFactor, retention),
            TopicSpec.retained(SHADOW_COMPARISONS, outcomePartitions, replicationFactor, retention),
            TopicSpec.compacted(PROVIDER_HEALTH, 3, replicationFactor),
            TopicSpec.compacted(PROVIDER_CONFIG, 3, replicationFactor),
            TopicSpec.compacted(PROVIDER_SETTINGS, 3, replicationFactor),
            TopicSpec.compacted(HEALTH_CHECK_CONFIG, 1, replicationFactor),
            TopicSpec.retained(CONFIG_AUDIT, 1, replicationFactor, Duration.ofDays(365)),
            TopicSpec.compacted(EXPERIMENTS, 1, replicationFactor),
            TopicSpec.compacted(MODEL_REGISTRY, 1, replicationFactor),
            // Joined to outcomes by request id: as many partitions as the outcomes' repartition by request id.
            TopicSpec.retained(EXPERIMENT_FEEDBACK, outcomePartitions, replicationFactor, retention),
            TopicSpec.compacted(ROLLOUTS, 1, replicationFactor),
            // A rollout's state is its plan folded with every decision since: kept as long as the audit.
            TopicSpec.retained(ROLLOUT_DECISIONS, 1, replicationFactor, Duration.ofDays(365)),
            // Written by stats-streams' rollout processor, read back (by every instance) to pick the outcomes the
            // canaries need: the running rollouts only, so an ended rollout costs nothing.
            TopicSpec.compacted(ACTIVE_ROLLOUTS, 1, replicationFactor),
            TopicSpec.retained(DEAD_LETTERS, 1, replicationFactor, Duration.ofDays(30)),
            TopicSpec.compacted(ALERT_RULES, 1, replicationFactor),
            TopicSpec.compacted(ALERT_CHANNELS, 1, replicationFactor),
            // Written by every stats-streams task, read by the notifier (one consumer per channel) and the console.
            TopicSpec.compacted(ALERTS, 3, replicationFactor),
            TopicSpec.retained(EXPERIMENT_VERDICTS, 1, replicationFactor, Duration.ofDays(365)),
            TopicSpec.compacted(CHANGE_PROPOSALS, 1, replicationFactor),
            // Every router reads the whole history at start and keeps each experiment's latest decision.
            TopicSpec.retained(EXPERIMENT_ALLOCATIONS, 1, replicationFactor, Duration.ofDays(365)));
    }

    /** The layout used by the local launcher and the tests: one broker. */
    public static List<TopicSpec> singleBroker() {
        return all(6, (short) 1);
    }
}
