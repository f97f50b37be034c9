package dev.switchboard.launcher;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/** A little traffic through the router, so the stats have something to show. */
final class DemoTraffic {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String routerUrl;
    private final String clientKey;
    private final Map<String, Integer> byVersion = new TreeMap<>();
    private int sent;

    DemoTraffic(final String routerUrl, final String clientKey) {
        this.routerUrl = routerUrl;
        this.clientKey = clientKey;
    }

    /** Sends {@code count} chat completions, every fifth one streamed; returns what answered them. */
    Map<String, Integer> send(final int count) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            sendOne("");
        }
        return Map.copyOf(byVersion);
    }

    /**
     * One chat completion from a user never seen before: a sticky rollout places each in its step's share.
     *
     * @return what answered it: the version, with the status when it was not 200, or the failure
     */
    String sendAsNewUser() throws InterruptedException {
        return sendOne(",\"user\":\"demo-user-" + sent + "-" + System.nanoTime() + "\"");
    }

    private String sendOne(final String userField) throws InterruptedException {
        final boolean stream = sent % 5 == 4;
        final HttpRequest request = HttpRequest.newBuilder(URI.create(routerUrl + "/v1/chat/completions"))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + clientKey)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"OllamaLLM\",\"stream\":" + stream + userField
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"demo request " + sent + "\"}]}"))
            .build();
        sent++;
        try {
            final HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            final String version = response.headers().firstValue("X-Switchboard-Version").orElse("none");
            return answered(version + (response.statusCode() == 200 ? "" : " (HTTP " + response.statusCode() + ")"));
        } catch (java.io.IOException e) {
            return answered("failed: " + e.getClass().getSimpleName());
        }
    }

    private String answered(final String by) {
        byVersion.merge(by, 1, Integer::sum);
        return by;
    }
}
