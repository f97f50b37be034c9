package dev.switchboard.launcher;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** A little traffic through the router, so the stats have something to show. Several threads may share one. */
final class DemoTraffic {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String routerUrl;
    private final String clientKey;
    private final String model;
    private final Map<String, LongAdder> byVersion = new ConcurrentHashMap<>();
    private final AtomicLong sent = new AtomicLong();

    /** Traffic to {@code model}, the provider's name as the client API takes it. */
    DemoTraffic(final String routerUrl, final String clientKey, final String model) {
        this.routerUrl = routerUrl;
        this.clientKey = clientKey;
        this.model = model;
    }

    /** Sends {@code count} chat completions, every fifth one streamed; returns what answered all calls so far. */
    Map<String, Long> send(final int count) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            sendOne(false);
        }
        return answered();
    }

    /** One chat completion from a user never seen before: a sticky rollout places each in its step's share. */
    void sendAsNewUser() throws InterruptedException {
        sendOne(true);
    }

    /** What answered every call so far: the version, with the status when it was not 200, or the failure. */
    Map<String, Long> answered() {
        final Map<String, Long> counts = new TreeMap<>();
        byVersion.forEach((by, count) -> counts.put(by, count.sum()));
        return counts;
    }

    private void sendOne(final boolean newUser) throws InterruptedException {
        final long number = sent.getAndIncrement();
        final boolean stream = number % 5 == 4;
        final String userField = newUser ? ",\"user\":\"demo-user-" + number + "-" + System.nanoTime() + "\"" : "";
        final HttpRequest request = HttpRequest.newBuilder(URI.create(routerUrl + "/v1/chat/completions"))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + clientKey)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"stream\":" + stream + userField
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"demo request " + number + "\"}]}"))
            .build();
        String by;
        try {
            final HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            final String version = response.headers().firstValue("X-Switchboard-Version").orElse("none");
            by = version + (response.statusCode() == 200 ? "" : " (HTTP " + response.statusCode() + ")");
        } catch (java.io.IOException e) {
            by = "failed: " + e.getClass().getSimpleName();
        }
        byVersion.computeIfAbsent(by, k -> new LongAdder()).increment();
    }
}
