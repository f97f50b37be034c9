package dev.switchboard.routing.controlplane;

/** Kafka did not take a configuration change. Retrying later may help; nothing was changed unless said so. */
public final class ConfigUnavailableException extends RuntimeException {

    public ConfigUnavailableException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
