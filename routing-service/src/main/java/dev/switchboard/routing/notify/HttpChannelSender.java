package dev.switchboard.routing.notify;

import dev.switchboard.events.ChannelKind;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import tools.jackson.databind.ObjectMapper;

/**
 * Posts a notification's JSON to a channel's URL with the JDK's HTTP client (on the caller's thread, a virtual one),
 * signed when the channel has a secret. Each attempt has its own timeout, so a receiver that hangs costs one
 * timeout, not the channel.
 */
public final class HttpChannelSender implements ChannelSender {

    private final HttpClient http;
    private final ObjectMapper json;
    private final Clock clock;
    private final Duration timeout;

    public HttpChannelSender(final HttpClient http, final ObjectMapper json, final Clock clock,
                             final Duration timeout) {
        this.http = http;
        this.json = json;
        this.clock = clock;
        this.timeout = timeout;
    }

    @Override
    public Delivery send(final Channel channel, final Notification notification) {
        final String body = json.writeValueAsString(ChannelPayloads.of(channel.kind(), notification));
        final long timestamp = clock.instant().getEpochSecond();
        final HttpRequest.Builder request = HttpRequest.newBuilder(channel.url())
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("User-Agent", "Switchboard-Notifier")
            .header(WebhookSignature.EVENT_ID_HEADER, notification.id())
            .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
            .POST(HttpRequest.BodyPublishers.ofString(body));
        if (channel.kind() == ChannelKind.WEBHOOK && channel.secret() != null) {
            request.header(WebhookSignature.SIGNATURE_HEADER,
                WebhookSignature.sign(channel.secret(), timestamp, body));
        }
        try {
            final HttpResponse<Void> answer = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            return answer.statusCode() / 100 == 2 ? new Delivery.Sent(answer.statusCode())
                : new Delivery.Failed("the receiver answered HTTP " + answer.statusCode());
        } catch (IOException e) {
            return new Delivery.Failed("no answer: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Delivery.Failed("interrupted");
        }
    }
}
