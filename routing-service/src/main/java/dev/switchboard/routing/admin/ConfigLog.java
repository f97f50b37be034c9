package dev.switchboard.routing.admin;

import dev.switchboard.events.AlertChannel;
import dev.switchboard.events.AlertEvent;
import dev.switchboard.events.AlertRule;
import dev.switchboard.events.ChangeProposal;
import dev.switchboard.events.Experiment;
import dev.switchboard.events.RegisteredModel;
import dev.switchboard.events.Rollout;
import dev.switchboard.events.RolloutDecision;
import dev.switchboard.routing.controlplane.ConfigWriter;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The admin API's port to the configuration log: every change is written with its audit record as one
 * transaction, and the definitions are read back from the log. Kafka's compacted topics sit behind it
 * ({@code routing.kafka.KafkaConfigLog}); nothing in this package knows them.
 */
public interface ConfigLog {

    ConfigWriter.ChangeSet changes();

    /**
     * Writes the change and returns once it is acknowledged and this router's routing table has it.
     *
     * @throws dev.switchboard.routing.controlplane.ConfigUnavailableException when the log did not take it
     */
    void commit(ConfigWriter.ChangeSet changes);

    /** {@link #commit}, then waits (a few seconds at most) until this router's copy of the definitions has it too. */
    void commitAndSee(ConfigWriter.ChangeSet changes);

    Definitions<Experiment> experiments();

    Definitions<RegisteredModel> models();

    Definitions<Rollout> rollouts();

    Definitions<RolloutDecision> rolloutDecisions();

    Definitions<AlertRule> alertRules();

    Definitions<AlertChannel> alertChannels();

    /** Each rule's latest transition per version (written by stats-streams, read only here). */
    Definitions<AlertEvent> alerts();

    /** Changes waiting for an approver, and what became of them. */
    Definitions<ChangeProposal> proposals();

    /** The latest definition per key, as this router has read them so far. */
    interface Definitions<V> {

        Map<String, V> snapshot();

        Optional<V> get(String key);

        /** @return whether everything in the log when this was called has been read, within {@code timeout} */
        boolean awaitCaughtUp(Duration timeout) throws InterruptedException;
    }
}
