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
        final StickyRollout rollout = context.provider().policy().rollout().orElseThrow(() ->
            new IllegalStateException(context.provider().id() + " uses sticky_rollout without a rollout"));
        final int bucket = context.subject()
            .map(subject -> SubjectHasher.bucket(rollout.salt(), subject))
            .orElseGet(() -> context.random().nextInt(SubjectHasher.BUCKETS));
        final @Nullable String subjectHash = context.subject().map(context.hasher()::hash).orElse(null);
        final boolean toCandidate = bucket < Math.round(rollout.percentage() * SubjectHasher.BUCKETS / 100);
        final String first = toCandidate ? rollout.candidate() : rollout.baseline();
        final String second = toCandidate ? rollout.baseline() : rollout.candidate();
        return find(routable, first).or(() -> find(routable, second))
            .map(c -> new Selection.Chosen(c.version(), SelectionReason.STICKY_ROLLOUT, subjectHash));
    }

    private static Optional<Candidate> find(final List<Candidate> routable, final String version) {
        return routable.stream().filter(c -> c.version().version().equals(version)).findFirst();
    }
}
