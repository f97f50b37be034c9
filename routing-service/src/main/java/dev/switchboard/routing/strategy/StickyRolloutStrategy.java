package dev.switchboard.routing.strategy;

import dev.switchboard.events.SelectionReason;
import dev.switchboard.routing.table.StickyRollout;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A sticky percentage rollout: a subject's bucket (0-9999) is a stable hash of the rollout's salt and the
 * subject, and buckets below {@code percentage * 100} get the candidate. Every router computes the same bucket,
 * and raising the percentage only adds buckets, so nobody who had the candidate goes back. When the chosen
 * version cannot take the request, the other one of the pair does; a request without a subject gets a random
 * bucket.
 */
public final class StickyRolloutStrategy implements SelectionStrategy {

    public static final String NAME = "sticky_rollout";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<Selection.Chosen> choose(final List<Candidate> routable, final SelectionContext context) {
        // Plain branches and loops rather than lambdas and streams: this runs for every request of a rollout.
        final Optional<StickyRollout> configured = context.provider().policy().rollout();
        if (configured.isEmpty()) {
            throw new IllegalStateException(context.provider().id() + " uses sticky_rollout without a rollout");
        }
        final StickyRollout rollout = configured.get();
        final Optional<String> subject = context.subject();
        final int bucket = subject.isPresent() ? SubjectHasher.bucket(rollout.salt(), subject.get())
            : context.random().nextInt(SubjectHasher.BUCKETS);
        final @Nullable String subjectHash = subject.isPresent() ? context.hasher().hash(subject.get()) : null;
        final boolean toCandidate = bucket < Math.round(rollout.percentage() * SubjectHasher.BUCKETS / 100);
        final String first = toCandidate ? rollout.candidate() : rollout.baseline();
        final String second = toCandidate ? rollout.baseline() : rollout.candidate();
        final @Nullable Candidate preferred = find(routable, first);
        final @Nullable Candidate chosen = preferred != null ? preferred : find(routable, second);
        return chosen == null ? Optional.empty()
            : Optional.of(new Selection.Chosen(chosen.version(), SelectionReason.STICKY_ROLLOUT, subjectHash));
    }

    private static @Nullable Candidate find(final List<Candidate> routable, final String version) {
        for (final Candidate candidate : routable) {
            if (candidate.version().version().equals(version)) {
                return candidate;
            }
        }
        return null;
    }
}
