package dev.switchboard.routing.health;

import dev.switchboard.schemas.VersionKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Passive health from live traffic: a version with {@code consecutiveFailures} failed attempts in a row is
 * ejected, for {@code baseEjection} doubled at each repeated ejection (at most {@code maxEjection}), without
 * waiting for the prober. Back from ejection it takes traffic gradually: its weight grows from 10% to 100% over
 * {@code slowStart}. A version that stays out of trouble for {@code maxEjection} after its slow start is
 * forgiven its past ejections.
 */
public final class OutlierDetector {

    /** Ejection settings; see the class comment. */
    public record Settings(int consecutiveFailures, Duration baseEjection, Duration maxEjection, Duration slowStart) {

        public Settings {
            if (consecutiveFailures < 1) {
                throw new IllegalArgumentException("consecutive failures to eject must be >= 1, got " + consecutiveFailures);
            }
            Objects.requireNonNull(baseEjection, "baseEjection");
            Objects.requireNonNull(maxEjection, "maxEjection");
            Objects.requireNonNull(slowStart, "slowStart");
        }

        public static Settings defaults() {
            return new Settings(5, Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofSeconds(30));
        }
    }

    private static final double SLOW_START_FLOOR = 0.1;

    private static final class State {
        private int consecutive;
        private int ejections;
        private @Nullable Instant ejectedUntil;
    }

    private final Settings settings;
    private final Clock clock;
    private final Map<VersionKey, State> states = new ConcurrentHashMap<>();

    public OutlierDetector(final Settings settings, final Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public void recordSuccess(final VersionKey version) {
        states.computeIfPresent(version, (key, state) -> {
            state.consecutive = 0;
            return state;
        });
    }

    /** @return the ejection time when this failure ejected the version, else {@link Duration#ZERO} */
    public Duration recordFailure(final VersionKey version) {
        final Duration[] ejectedFor = {Duration.ZERO};
        states.compute(version, (key, existing) -> {
            final State state = existing == null ? new State() : existing;
            final Instant now = clock.instant();
            forgiveIfLongClean(state, now);
            if (isEjected(state, now)) {
                return state;
            }
            state.consecutive++;
            if (state.consecutive >= settings.consecutiveFailures()) {
                state.ejections++;
                ejectedFor[0] = ejectionTime(state.ejections);
                state.ejectedUntil = now.plus(ejectedFor[0]);
                state.consecutive = 0;
            }
            return state;
        });
        return ejectedFor[0];
    }

    public boolean isEjected(final VersionKey version) {
        final State state = states.get(version);
        return state != null && isEjected(state, clock.instant());
    }

    /** 1 for a version in good standing; between 0.1 and 1 while it is slow-starting after an ejection. */
    public double weightFactor(final VersionKey version) {
        final State state = states.get(version);
        if (state == null || state.ejectedUntil == null) {
            return 1;
        }
        final Duration back = Duration.between(state.ejectedUntil, clock.instant());
        if (back.isNegative()) {
            return 0;
        }
        if (back.compareTo(settings.slowStart()) >= 0 || settings.slowStart().isZero()) {
            return 1;
        }
        return Math.max(SLOW_START_FLOOR, (double) back.toMillis() / settings.slowStart().toMillis());
    }

    private Duration ejectionTime(final int ejections) {
        final Duration doubled = settings.baseEjection().multipliedBy(1L << Math.min(ejections - 1, 20));
        return doubled.compareTo(settings.maxEjection()) > 0 ? settings.maxEjection() : doubled;
    }

    private void forgiveIfLongClean(final State state, final Instant now) {
        if (state.ejectedUntil != null
            && now.isAfter(state.ejectedUntil.plus(settings.slowStart()).plus(settings.maxEjection()))) {
            state.ejections = 0;
            state.ejectedUntil = null;
        }
    }

    private static boolean isEjected(final State state, final Instant now) {
        return state.ejectedUntil != null && now.isBefore(state.ejectedUntil);
    }
}
