package dev.switchboard.routing.notify;

/** Delivers one notification to one channel, once: whoever calls it decides when to try again. */
public interface ChannelSender {

    Delivery send(Channel channel, Notification notification);

    /** How one attempt ended. */
    sealed interface Delivery {
        /** The receiver took it (a 2xx answer). */
        record Sent(int status) implements Delivery {
        }

        /** It did not: why, in words that name no secret (never the URL). */
        record Failed(String why) implements Delivery {
        }
    }
}
