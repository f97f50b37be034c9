package dev.switchboard.routing.table;

import java.util.Objects;

/**
 * Sends {@code percentage} percent of subjects to {@code candidate}, the rest to {@code baseline}. The share is
 * decided per subject by a stable hash with this rollout's {@code salt}, so raising the percentage only adds
 * subjects to the candidate: nobody who had it goes back.
 */
public record StickyRollout(String baseline, String candidate, double percentage, String salt) {

    public StickyRollout {
        Objects.requireNonNull(baseline, "baseline");
        Objects.requireNonNull(candidate, "candidate");
        Objects.requireNonNull(salt, "salt");
        if (baseline.equals(candidate)) {
            throw new IllegalArgumentException("a rollout needs two different versions, got " + baseline + " twice");
        }
        if (!(percentage >= 0 && percentage <= 100)) {
            throw new IllegalArgumentException("rollout percentage must be 0-100, got " + percentage);
        }
        if (salt.isBlank()) {
            throw new IllegalArgumentException("rollout salt must not be blank");
        }
    }

    /** The same rollout at another percentage: same versions, same salt, so the same subjects stay put. */
    public StickyRollout withPercentage(final double next) {
        return new StickyRollout(baseline, candidate, next, salt);
    }
}
