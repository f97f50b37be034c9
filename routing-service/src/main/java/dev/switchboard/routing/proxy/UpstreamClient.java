package dev.switchboard.routing.proxy;

import dev.switchboard.routing.table.VersionConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Calls a version's upstream. Blocking by design: every request runs on its own virtual thread. */
final class UpstreamClient {

    private final HttpClient http;
    private final Duration responseTimeout;

    UpstreamClient(final Duration connectTimeout, final Duration responseTimeout) {
        this.http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
        this.responseTimeout = responseTimeout;
    }

    /** Sends a chat completion; the caller must close the returned body. */
    HttpResponse<InputStream> chatCompletion(final VersionConfig version, final byte[] body, final boolean stream,
                                             final Duration timeLeft)
        throws IOException, InterruptedException {
        final HttpRequest.Builder request = HttpRequest.newBuilder(chatCompletionsUri(version))
            .timeout(timeLeft.compareTo(responseTimeout) < 0 ? timeLeft : responseTimeout)
            .header("Content-Type", "application/json")
            .header("Accept", stream ? "text/event-stream" : "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        // The version's own key goes to its own upstream only, never anywhere else.
        version.secrets().get("api_key").ifPresent(key -> request.header("Authorization", "Bearer " + key));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    /** OpenAI-compatible and Ollama versions both answer chat completions at {@code {url}/v1/chat/completions}. */
    static URI chatCompletionsUri(final VersionConfig version) {
        final String base = version.url().toString().replaceAll("/+$", "");
        return URI.create(base.endsWith("/v1") ? base + "/chat/completions" : base + "/v1/chat/completions");
    }
}
