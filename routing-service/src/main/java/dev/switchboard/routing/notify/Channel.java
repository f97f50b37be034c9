package dev.switchboard.routing.notify;

import dev.switchboard.events.ChannelKind;
import dev.switchboard.events.NotificationKind;
import java.net.URI;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A channel as the notifier uses it, its secrets opened. {@link #toString()} shows neither the secret nor the URL
 * (a Slack URL is a credential), so a channel is safe to log.
 *
 * @param providers {@code category/name}; empty for every provider
 * @param createdAt events since then are delivered
 */
public record Channel(String id, ChannelKind kind, URI url, @Nullable String secret,
                     Set<NotificationKind> subscriptions, Set<String> providers, Instant createdAt) {

    public Channel {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(url, "url");
        subscriptions = Set.copyOf(subscriptions);
        providers = Set.copyOf(providers);
    }

    public boolean wants(final Notification notification) {
        return subscriptions.contains(notification.kind())
            && (providers.isEmpty() || providers.contains(notification.provider()));
    }

    @Override
    public String toString() {
        return "Channel[" + id + ", " + kind + ", " + subscriptions + (providers.isEmpty() ? "" : " of " + providers)
            + "]";
    }
}
