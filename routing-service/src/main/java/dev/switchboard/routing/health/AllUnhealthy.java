package dev.switchboard.routing.health;

/** What a provider gets when the prober reports every one of its active versions unhealthy. */
public enum AllUnhealthy {
    /**
     * Its default version is tried anyway: a prober that is wrong (cut off from the providers, say) cannot black out
     * a provider, and a provider that is really down fails that attempt, which fails over as any other.
     */
    DEFAULT_VERSION,
    /** No version is tried: its fallback provider if it has one, else a 503 that says why. */
    REJECT
}
