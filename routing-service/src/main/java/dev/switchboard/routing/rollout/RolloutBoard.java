package dev.switchboard.routing.rollout;

import dev.switchboard.events.Rollout;
import dev.switchboard.events.RolloutAction;
import dev.switchboard.events.RolloutDecision;
import dev.switchboard.rollout.RolloutState;
import dev.switchboard.routing.table.StickyRollout;
import dev.switchboard.routing.table.VersionConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The rollouts as this router folds them: each plan with its decisions in the decisions topic's order, the fold
 * stats-streams does too ({@link RolloutState}), so every router and the judge agree on the step and no decision is
 * applied twice. Routing follows it at once: while a rollout runs or is paused its provider routes by the sticky
 * percentage of its step; once it has ended, by the final share (100% or 0%) until the provider's configuration
 * matches it (stats-streams settles it at once: the candidate the default, or at weight 0 and not the default) or
 * has been changed since.
 */
public final class RolloutBoard {

    /** Applied decisions kept per rollout for the admin API; the topic keeps them all. */
    private static final int HISTORY = 200;
    private static final int REMEMBERED_DECISIONS = 10_000;

    /** The judge's holds kept per rollout (evidence the operators see; they change nothing). */
    private static final int HOLDS = 50;

    /**
     * A rollout's state, when it last changed, the decisions that changed it, and the judge's latest holds on its
     * current or earlier states (each oldest first).
     */
    public record Entry(RolloutState state, Instant changedAt, List<RolloutDecision> history,
                        List<RolloutDecision> holds) {
    }

    private final Map<String, Entry> entries = new HashMap<>();
    private final Map<String, List<RolloutDecision>> early = new HashMap<>();
    private final Map<String, Boolean> outcomes = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(final Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_DECISIONS;
        }
    };
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /** {@code listener} runs after every change of a rollout's state (on the thread that read it). */
    public void onChange(final Runnable listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** A plan read from the rollouts topic. The first read is kept: a plan does not change once it runs. */
    public void plan(final String id, final Rollout plan) {
        synchronized (this) {
            if (plan == null || entries.containsKey(id)) {
                return;
            }
            entries.put(id, new Entry(RolloutState.begin(plan), plan.getCreatedAt(), List.of(), List.of()));
            for (final RolloutDecision decision : early.getOrDefault(id, List.of())) {
                fold(id, decision);
            }
            early.remove(id);
        }
        changed();
    }

    /** A decision read from the decisions topic; one read before its plan waits for the plan. */
    public void decision(final String id, final RolloutDecision decision) {
        if (decision == null) {
            return;
        }
        final boolean moved;
        synchronized (this) {
            if (!entries.containsKey(id)) {
                early.computeIfAbsent(id, k -> new ArrayList<>()).add(decision);
                return;
            }
            moved = fold(id, decision);
            notifyAll();
        }
        if (moved) {
            changed();
        }
    }

    public synchronized Optional<Entry> get(final String id) {
        return Optional.ofNullable(entries.get(id));
    }

    public synchronized List<Entry> all() {
        return entries.values().stream()
            .sorted(Comparator.comparing((Entry e) -> e.state().plan().getCreatedAt()).reversed()).toList();
    }

    /** The provider's newest rollout, if it has one. */
    public synchronized Optional<Entry> latest(final String provider) {
        return entries.values().stream()
            .filter(e -> e.state().provider().equals(provider))
            .max(Comparator.comparing(e -> e.state().plan().getCreatedAt()));
    }

    /**
     * How {@code provider} routes because of its newest rollout: the sticky split of the step while it runs or is
     * paused, the final split after it ended until the configuration is settled, else nothing.
     *
     * @param versions a version of the provider as the configuration has it, if it exists
     */
    public Optional<StickyRollout> routing(final String provider,
                                           final Function<String, Optional<VersionConfig>> versions) {
        return latest(provider).flatMap(entry -> {
            final RolloutState state = entry.state();
            final Rollout plan = state.plan();
            if (state.status().ended() && versions.apply(plan.getCandidate())
                .map(candidate -> settled(entry, candidate)).orElse(true)) {
                return Optional.empty();
            }
            return Optional.of(new StickyRollout(plan.getBaseline(), plan.getCandidate(), state.candidatePercentage(),
                plan.getSalt()));
        });
    }

    /**
     * Waits until the decision {@code decisionId} has been read: whether it applied, or empty when it was not read
     * within {@code timeout}.
     */
    public synchronized Optional<Boolean> awaitDecision(final String decisionId, final Duration timeout)
        throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!outcomes.containsKey(decisionId)) {
            final long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return Optional.of(outcomes.get(decisionId));
    }

    /** The configuration routes as the ended rollout does, or was changed after it ended. */
    private static boolean settled(final Entry ended, final VersionConfig candidate) {
        final boolean matches = ended.state().status() == RolloutState.Status.FINISHED ? candidate.isDefault()
            : candidate.weight() == 0 && !candidate.isDefault();
        return matches || !candidate.updatedAt().isBefore(ended.changedAt());
    }

    private boolean fold(final String id, final RolloutDecision decision) {
        final Entry entry = entries.get(id);
        final RolloutState next = entry.state().apply(decision);
        final boolean moved = next != entry.state();
        final boolean hold = decision.getAction() == RolloutAction.HOLD;
        final boolean firstRead = outcomes.putIfAbsent(decision.getDecisionId(), moved || hold) == null;
        if (moved) {
            entries.put(id, new Entry(next, decision.getDecidedAt(), appended(entry.history(), decision, HISTORY),
                entry.holds()));
        } else if (hold && firstRead && decision.getRevision() == entry.state().revision()) {
            entries.put(id, new Entry(entry.state(), entry.changedAt(), entry.history(),
                appended(entry.holds(), decision, HOLDS)));
        }
        return moved;
    }

    private static List<RolloutDecision> appended(final List<RolloutDecision> kept, final RolloutDecision decision,
                                                  final int most) {
        final Deque<RolloutDecision> list = new ArrayDeque<>(kept);
        list.addLast(decision);
        while (list.size() > most) {
            list.removeFirst();
        }
        return List.copyOf(list);
    }

    private void changed() {
        listeners.forEach(Runnable::run);
    }
}
