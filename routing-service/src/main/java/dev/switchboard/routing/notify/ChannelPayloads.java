package dev.switchboard.routing.notify;

import dev.switchboard.events.ChannelKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The body each kind of channel receives for a notification, as a JSON-ready map. */
final class ChannelPayloads {

    private ChannelPayloads() {
    }

    static Map<String, @Nullable Object> of(final ChannelKind kind, final Notification notification) {
        return switch (kind) {
            case SLACK -> slack(notification);
            case WEBHOOK, UNKNOWN -> webhook(notification);
        };
    }

    /** Switchboard's own JSON: the id to deduplicate by, the kind, the words, and the event's figures. */
    static Map<String, @Nullable Object> webhook(final Notification notification) {
        final Map<String, @Nullable Object> body = new LinkedHashMap<>();
        body.put("id", notification.id());
        body.put("kind", notification.kind().name().toLowerCase(java.util.Locale.ROOT));
        body.put("provider", notification.provider());
        body.put("title", notification.title());
        body.put("text", notification.text());
        body.put("occurred_at", notification.occurredAt().toString());
        body.put("event", notification.event());
        return body;
    }

    /** A Slack incoming webhook's payload: the title in bold, the words, and the id in small print. */
    static Map<String, @Nullable Object> slack(final Notification notification) {
        final Map<String, @Nullable Object> body = new LinkedHashMap<>();
        body.put("text", notification.title() + ": " + notification.text());
        body.put("blocks", List.of(
            Map.of("type", "section", "text", Map.of("type", "mrkdwn",
                "text", "*" + notification.title() + "*\n" + notification.text())),
            Map.of("type", "context", "elements", List.of(Map.of("type", "mrkdwn",
                "text", "Switchboard · " + notification.occurredAt() + " · id " + notification.id())))));
        return body;
    }
}
