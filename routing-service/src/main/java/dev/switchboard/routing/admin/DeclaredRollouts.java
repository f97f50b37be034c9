package dev.switchboard.routing.admin;

import dev.switchboard.common.kafka.CompactedTopicView;
import dev.switchboard.events.Rollout;
import dev.switchboard.events.RolloutDecision;
import dev.switchboard.routing.RoutingProperties;
import dev.switchboard.routing.controlplane.ConfigStore;
import dev.switchboard.routing.controlplane.ConfigUnavailableException;
import dev.switchboard.routing.rollout.RolloutBoard;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the rollouts declared in configuration once the router has read the configuration and the rollouts so
 * far, so a restart (or a second router) finds its declared rollout and leaves it where it is.
 */
final class DeclaredRollouts {

    private static final Logger log = LoggerFactory.getLogger(DeclaredRollouts.class);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration RETRY = Duration.ofSeconds(2);
    private static final int ATTEMPTS = 30;

    private final List<RoutingProperties.DeclaredRollout> declared;
    private final RolloutAdmin admin;
    private final ConfigStore store;
    private final CompactedTopicView<Rollout> plans;
    private final CompactedTopicView<RolloutDecision> decisions;

    DeclaredRollouts(final List<RoutingProperties.DeclaredRollout> declared, final RolloutAdmin admin,
                     final ConfigStore store, final CompactedTopicView<Rollout> plans,
                     final CompactedTopicView<RolloutDecision> decisions) {
        this.declared = List.copyOf(declared);
        this.admin = admin;
        this.store = store;
        this.plans = plans;
        this.decisions = decisions;
    }

    void start() {
        if (!declared.isEmpty()) {
            Thread.ofVirtual().name("declared-rollouts").start(this::declareAll);
        }
    }

    private void declareAll() {
        try {
            while (!(store.awaitCaughtUp(WAIT) && plans.awaitCaughtUp(WAIT) && decisions.awaitCaughtUp(WAIT))) {
                log.info("Waiting to read the configuration and the rollouts before starting declared rollouts");
            }
            for (final RoutingProperties.DeclaredRollout rollout : declared) {
                declare(rollout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The provider may be seeded by this very start-up, a moment later: a missing one is looked for again, for a
     * minute. A change Kafka does not take yet (the broker away, the topics not seeded) is tried until it is: the
     * declaration stands until the configuration changes, so it must not lapse with an outage.
     */
    private void declare(final RoutingProperties.DeclaredRollout rollout) throws InterruptedException {
        int unknownProvider = 0;
        while (true) {
            try {
                final RolloutBoard.Entry entry = admin.declare(rollout.provider(), rollout.candidate(),
                    rollout.percentage());
                log.info("Declared rollout {}: {} of {} is {} at step {} ({}%)", entry.state().plan().getId(),
                    rollout.candidate(), rollout.provider(), RolloutAdmin.status(entry.state().status()),
                    entry.state().step() + 1, entry.state().candidatePercentage());
                return;
            } catch (AdminException e) {
                if (++unknownProvider == ATTEMPTS || e.status().value() != 400) {
                    log.error("Declared rollout of {} on {} not started: {}", rollout.candidate(), rollout.provider(),
                        e.getMessage());
                    return;
                }
            } catch (ConfigUnavailableException e) {
                log.warn("Declared rollout of {} on {} not written yet, trying again in {} s: {}", rollout.candidate(),
                    rollout.provider(), RETRY.toSeconds(), e.getMessage());
            }
            Thread.sleep(RETRY.toMillis()); // the provider or the broker may come a moment later
        }
    }
}
