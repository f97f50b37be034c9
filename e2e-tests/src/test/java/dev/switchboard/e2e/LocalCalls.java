package dev.switchboard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** HTTP calls to the services a test started in its own JVM. */
final class LocalCalls {

    /** Longer than any answer the services give (the router's request deadline is 120 s): a hang fails the test. */
    static final Duration TIMEOUT = Duration.ofSeconds(150);

    private LocalCalls() {
    }

    /** Where a started service answers: its loopback address and the port it picked. */
    static String base(final ConfigurableApplicationContext context) {
        return "http://127.0.0.1:" + ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /**
     * Adds a version of {@code category/name} served by a simulator on this machine, through the router's admin API,
     * and checks the router took it.
     */
    static void addSimulatedVersion(final HttpClient http, final String router, final String adminToken,
                                    final String category, final String name, final String version, final int port,
                                    final int weight, final boolean isDefault)
        throws IOException, InterruptedException {
        final HttpResponse<String> added = send(http, "POST", router + "/api/system-configs/provider",
            "{\"category\": \"" + category + "\", \"name\": \"" + name + "\", \"version\": \"" + version
                + "\", \"type\": \"ollama\", \"model_name\": \"llama2\", \"url\": \"http://127.0.0.1:" + port
                + "\", \"weight\": " + weight + ", \"is_active\": true, \"is_default\": " + isDefault + "}",
            adminToken);
        assertThat(added.statusCode()).as(added.body()).isBetween(200, 201);
    }

    /** A one-message chat completion to {@code model} through the router, from {@code user} (its sticky subject). */
    static HttpRequest chatAs(final String router, final String clientKey, final String model, final String user) {
        return HttpRequest.newBuilder(URI.create(router + "/v1/chat/completions")).timeout(TIMEOUT)
            .header("Authorization", "Bearer " + clientKey).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"user\":\"" + user
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
            .build();
    }

    /** A JSON call, with {@code token} as the bearer token unless it is null. */
    static HttpResponse<String> send(final HttpClient http, final String method, final String url, final String body,
                                     final String token) throws IOException, InterruptedException {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json").timeout(TIMEOUT);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
