package dev.switchboard.stats.query;

/**
 * The store cannot answer right now (the app is starting, rebalancing or restoring). Retrying shortly helps;
 * answering from a half-restored store would give a wrong number.
 */
final class StoreNotReadyException extends RuntimeException {

    public StoreNotReadyException(final String store, final Throwable cause) {
        super("Store " + store + " is not ready (rebalancing or restoring); retry shortly", cause);
    }
}
