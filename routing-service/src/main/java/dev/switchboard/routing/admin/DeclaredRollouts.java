package dev.switchboard.routing.admin;

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
import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryListener;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryState;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.core.retry.Retryable;

/**
 * Starts the rollouts declared in configuration once the router has read the configuration and the rollouts so
 * far, so a restart (or a second router) finds its declared rollout and leaves it where it is.
 */
final class DeclaredRollouts {

    private static final Logger log = LoggerFactory.getLogger(DeclaredRollouts.class);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration RETRY = Duration.ofSeconds(2);
    /** How long a provider the declaration names may be missing: this very start-up may seed it a moment later. */
    private static final Duration UNKNOWN_PROVIDER_WAIT = Duration.ofMinutes(1);

    private final List<RoutingProperties.DeclaredRollout> declared;
    private final RolloutAdmin admin;
    private final ConfigStore store;
    private final ConfigLog.Definitions<Rollout> plans;
    private final ConfigLog.Definitions<RolloutDecision> decisions;

    DeclaredRollouts(final List<RoutingProperties.DeclaredRollout> declared, final RolloutAdmin admin,
                     final ConfigStore store, final ConfigLog configLog) {
        this.declared = List.copyOf(declared);
        this.admin = admin;
        this.store = store;
        this.plans = configLog.rollouts();
        this.decisions = configLog.rolloutDecisions();
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
        final long started = System.nanoTime();
        final RetryTemplate retries = new RetryTemplate(RetryPolicy.builder()
            .predicate(failure -> failure instanceof ConfigUnavailableException
                || failure instanceof AdminException unknown && unknown.status().value() == 400
                    && System.nanoTime() - started < UNKNOWN_PROVIDER_WAIT.toNanos())
            .maxRetries(Long.MAX_VALUE).delay(RETRY).multiplier(1).build());
        retries.setRetryListener(new RetryListener() {
            @Override
            public void onRetryableExecution(final RetryPolicy policy, final Retryable<?> retryable,
                                             final RetryState state) {
                if (!state.isSuccessful()) {
                    log.warn("Declared rollout of {} on {} not started yet (attempt {}), trying again in {} s: {}",
                        rollout.candidate(), rollout.provider(), state.getExceptions().size(), RETRY.toSeconds(),
                        state.getLastException().getMessage());
                }
            }
        });
        try {
            final RolloutBoard.Entry entry = retries.execute(() -> admin.declare(rollout.provider(),
                rollout.candidate(), rollout.percentage()));
            log.info("Declared rollout {}: {} of {} is {} at step {} ({}%)", entry.state().plan().getId(),
                rollout.candidate(), rollout.provider(), RolloutAdmin.status(entry.state().status()),
                entry.state().step() + 1, entry.state().candidatePercentage());
        } catch (RetryException e) {
            if (e.getCause() instanceof InterruptedException || Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("closed while waiting to declare a rollout");
            }
            log.error("Declared rollout of {} on {} not started: {}", rollout.candidate(), rollout.provider(),
                e.getLastException().getMessage());
        }
    }
}
