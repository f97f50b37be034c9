package dev.switchboard.routing.failover;

import dev.switchboard.events.SelectionReason;
import dev.switchboard.routing.strategy.Selection;
import dev.switchboard.routing.strategy.VersionSelector;
import dev.switchboard.routing.table.Provider;
import dev.switchboard.routing.table.VersionConfig;
import dev.switchboard.schemas.VersionKey;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One request's way through its attempts. The first goes where the client pinned it or the selector chooses;
 * after a failure, to a version of the provider not tried yet, then to the provider's fallback provider (and its
 * fallback, never one twice), within the provider's attempts, the request's deadline and the routers' shared retry
 * budget. A pinned request is never moved: its failure is its answer. One plan per request, used by one callback
 * at a time.
 */
public final class FailoverPlan {

    /** What the request does next. */
    public sealed interface Step {

        /** Send an attempt where {@code chosen} says. */
        record Attempt(Selection.Chosen chosen) implements Step {
        }

        /**
         * Stop: the last failure is the answer, or, when nothing was attempted, {@code why} no version could take
         * the request.
         */
        record GiveUp(String why) implements Step {
        }
    }

    /** How a plan finds providers and versions, and what bounds its retries. */
    public record Limits(VersionSelector selector, Function<String, Optional<Provider>> providers,
                         RetryBudget budget, Clock clock) {
    }

    private final Limits limits;
    private final Provider provider;
    private final Optional<VersionConfig> pinned;
    private final Optional<String> subject;
    private final Instant deadline;
    /** Allocated at the first failure only: most requests succeed on their first attempt. */
    private Set<VersionKey> tried = Set.of();
    private Set<String> fallbacksUsed = Set.of();
    private Provider current;
    private int attempts;

    /**
     * @param pinned  the version the client pinned, if it did: the only one tried
     * @param subject the sticky subject (session or user), for the selector
     */
    public FailoverPlan(final Limits limits, final Provider provider, final Optional<VersionConfig> pinned,
                        final Optional<String> subject, final Instant deadline) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.provider = Objects.requireNonNull(provider, "provider");
        this.pinned = pinned;
        this.subject = subject;
        this.deadline = deadline;
        this.current = provider;
    }

    /** The first attempt. */
    public Step first() {
        limits.budget().onRequest();
        return next();
    }

    /** After an attempt on {@code failed} failed before anything reached the client: try again, or give up. */
    public Step afterFailure(final VersionKey failed) {
        if (tried.isEmpty()) {
            tried = new HashSet<>(4);
        }
        tried.add(failed);
        if (!mayRetry()) {
            return new Step.GiveUp("version " + failed + " failed and the request may not be retried");
        }
        return next();
    }

    private Step next() {
        while (true) {
            final Selection selection = pinned.isPresent()
                ? new Selection.Chosen(pinned.get(), SelectionReason.PINNED)
                : limits.selector().select(current, tried, subject);
            switch (selection) {
                case Selection.Chosen chosen -> {
                    attempts++;
                    return new Step.Attempt(chosen);
                }
                case Selection.NoneRoutable none -> {
                    final Optional<Provider> fallback = fallback();
                    if (fallback.isEmpty()) {
                        return new Step.GiveUp(none.why());
                    }
                    if (fallbacksUsed.isEmpty()) {
                        fallbacksUsed = new HashSet<>(4);
                    }
                    fallbacksUsed.add(fallback.get().id());
                    current = fallback.get();
                }
            }
        }
    }

    /** The current provider's fallback provider, unless the request has been there already. */
    private Optional<Provider> fallback() {
        return current.policy().fallbackProvider()
            .filter(id -> !provider.id().equals(id) && !fallbacksUsed.contains(id))
            .flatMap(limits.providers());
    }

    /** Within the provider's attempts, before the deadline, and only while the retry budget allows. */
    private boolean mayRetry() {
        return pinned.isEmpty() && attempts < provider.policy().maxAttempts()
            && limits.clock().instant().isBefore(deadline)
            && limits.budget().tryRetry();
    }

    /** The provider the request is at now: its own, or a fallback provider. */
    public Provider current() {
        return current;
    }

    public int attempts() {
        return attempts;
    }
}
