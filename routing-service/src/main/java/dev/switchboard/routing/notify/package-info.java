/**
 * Notifications to a team's channels: what an alert transition or a rollout decision says ({@link
 * dev.switchboard.routing.notify.Notification}), the bodies a generic webhook and a Slack incoming webhook receive
 * ({@link dev.switchboard.routing.notify.ChannelPayloads}), the webhook's HMAC signature ({@link
 * dev.switchboard.routing.notify.WebhookSignature}) and how long to wait before trying again ({@link
 * dev.switchboard.routing.notify.Backoff}). Plain Java: the consumers that deliver them are in {@code routing.kafka}.
 */
@NullMarked
package dev.switchboard.routing.notify;

import org.jspecify.annotations.NullMarked;
