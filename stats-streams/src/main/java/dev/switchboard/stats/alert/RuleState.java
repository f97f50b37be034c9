package dev.switchboard.stats.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where one rule stands for one version. A rule fires only after its condition has held for the whole hold time
 * (PENDING meanwhile), and resolves only after the condition has stayed false as long (RESOLVING meanwhile): one
 * noisy minute moves it to PENDING or RESOLVING and back, and tells nobody.
 *
 * @param since   when the current status began (for PENDING and RESOLVING, when the condition last changed)
 * @param firedAt when the current episode began firing; null while OK or PENDING
 * @param last    the latest reading
 */
public record RuleState(Status status, Instant since, @Nullable Instant firedAt, Reading last) {

    public enum Status { OK, PENDING, FIRING, RESOLVING }

    /** What a reading changed: the new state, and the transition to tell the channels about, if any. */
    public record Step(RuleState state, Optional<Transition> transition) {
    }

    /** A transition worth an event: FIRING or RESOLVED. */
    public enum Transition { FIRING, RESOLVED }

    public RuleState {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(since, "since");
    }

    public static RuleState initial(final Instant now, final Reading reading) {
        return new RuleState(Status.OK, now, null, reading);
    }

    /** Whether the rule counts as firing (RESOLVING still does: it has not resolved yet). */
    public boolean firing() {
        return status == Status.FIRING || status == Status.RESOLVING;
    }

    public Step next(final Reading reading, final Instant now, final Duration hold) {
        final boolean held = !now.isBefore(since.plus(hold));
        return switch (status) {
            case OK -> reading.breached() ? pendingOrFiring(reading, now, hold) : stay(reading);
            case PENDING -> !reading.breached() ? quiet(new RuleState(Status.OK, now, null, reading))
                : held ? fire(reading, now) : stay(reading);
            case FIRING -> reading.breached() ? stay(reading)
                : hold.isZero() ? resolve(reading, now) : quiet(new RuleState(Status.RESOLVING, now, firedAt, reading));
            case RESOLVING -> reading.breached() ? quiet(new RuleState(Status.FIRING, since, firedAt, reading))
                : held ? resolve(reading, now) : stay(reading);
        };
    }

    /** The rule was deleted or disabled while firing: it resolves at once. */
    public Step withdrawn(final Reading reading, final Instant now) {
        return firing() ? resolve(reading, now) : quiet(new RuleState(Status.OK, now, null, reading));
    }

    private Step pendingOrFiring(final Reading reading, final Instant now, final Duration hold) {
        return hold.isZero() ? fire(reading, now) : quiet(new RuleState(Status.PENDING, now, null, reading));
    }

    private Step fire(final Reading reading, final Instant now) {
        return new Step(new RuleState(Status.FIRING, status == Status.PENDING ? since : now, now, reading),
            Optional.of(Transition.FIRING));
    }

    private Step resolve(final Reading reading, final Instant now) {
        return new Step(new RuleState(Status.OK, now, null, reading), Optional.of(Transition.RESOLVED));
    }

    private Step stay(final Reading reading) {
        return quiet(new RuleState(status, since, firedAt, reading));
    }

    private static Step quiet(final RuleState state) {
        return new Step(state, Optional.empty());
    }
}
