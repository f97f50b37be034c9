package dev.switchboard.prober.probe;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * Makes one real API call to a version, chosen by its provider type: a one-token chat completion for
 * {@code openai}, the model list for {@code ollama}, a plain GET of the url for every other (pass-through) type.
 * Blocking; each probe runs on its own virtual thread.
 */
public final class Prober {

    private final HttpClient http;
    private final Duration timeout;

    public Prober(final Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .build();
    }

    public ProbeResult probe(final ProbeTarget target) {
        final long start = System.nanoTime();
        try {
            final HttpResponse<Void> response = http.send(request(target), HttpResponse.BodyHandlers.discarding());
            final long latency = elapsedMillis(start);
            final int status = response.statusCode();
            return healthy(target, status)
                ? ProbeResult.success(latency, status)
                : ProbeResult.failure(latency, status, "HTTP " + status + " from " + target.type() + " probe");
        } catch (HttpTimeoutException e) {
            return ProbeResult.failure(elapsedMillis(start), null, "no answer within " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            return ProbeResult.failure(elapsedMillis(start), null, "cannot connect: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ProbeResult.failure(elapsedMillis(start), null, "probe interrupted");
        }
    }

    /**
     * A 2xx; for a pass-through version, whose probe is a GET of the url it takes POSTs at, a 405 too: the
     * endpoint answered that it is there and takes another method.
     */
    static boolean healthy(final ProbeTarget target, final int status) {
        return status >= 200 && status < 300 || status == 405 && isPassThrough(target);
    }

    private static boolean isPassThrough(final ProbeTarget target) {
        return !target.type().equals("openai") && !target.type().equals("ollama");
    }

    private HttpRequest request(final ProbeTarget target) {
        final String base = target.url().toString().replaceAll("/+$", "").replaceAll("/v1$", "");
        final HttpRequest.Builder builder = switch (target.type()) {
            case "openai" -> HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(minimalChat(target.modelName())));
            case "ollama" -> HttpRequest.newBuilder(URI.create(base + "/api/tags")).GET();
            default -> HttpRequest.newBuilder(target.url()).GET(); // an HTTP pass-through provider (TTS, ...)
        };
        // The version's own key goes to its own upstream, nowhere else.
        target.apiKey().ifPresent(key -> builder.header("Authorization", "Bearer " + key));
        return builder.timeout(timeout).build();
    }

    private static String minimalChat(final String model) {
        final String quoted = model.replace("\\", "\\\\").replace("\"", "\\\"");
        return "{\"model\":\"" + quoted + "\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"ping\"}]}";
    }

    private static long elapsedMillis(final long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
