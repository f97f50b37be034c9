package dev.switchboard.launcher;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The demos' calls: the router's admin API with the admin token, and the simulators' knobs. */
final class DemoCalls {

    private final JsonMapper json = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String router;
    private final String adminToken;

    DemoCalls(final String router, final String adminToken) {
        this.router = router;
        this.adminToken = adminToken;
    }

    /** An admin call's JSON answer, whatever its status. */
    JsonNode admin(final String method, final String path, final String body) throws IOException, InterruptedException {
        return json.readTree(send(method, path, body).body());
    }

    /**
     * An admin call a router still seeding its configuration topics answers 503 for a moment: it is sent again each
     * second until it is answered otherwise, for {@code settling} at most.
     */
    HttpResponse<String> sendOnceReady(final String method, final String path, final String body,
                                       final Duration settling, final Consumer<String> say)
        throws IOException, InterruptedException {
        final Instant giveUp = Instant.now().plus(settling);
        HttpResponse<String> answer = send(method, path, body);
        while (answer.statusCode() == 503 && Instant.now().isBefore(giveUp)) {
            say.accept("  the router cannot take it yet, trying again in a second: "
                + json.readTree(answer.body()).path("detail").asString());
            Thread.sleep(Duration.ofSeconds(1));
            answer = send(method, path, body);
        }
        return answer;
    }

    HttpResponse<String> send(final String method, final String path, final String body)
        throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(router + path))
            .timeout(Duration.ofSeconds(30))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
            .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
            .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A provider's versions ({@code category/name}), as the admin API lists them. */
    JsonNode versions(final String provider) throws IOException, InterruptedException {
        return admin("GET", "/api/system-configs/provider/" + provider + "/versions", null).path("data");
    }

    /** The version a provider ({@code category/name}) routes to by default. */
    String defaultVersion(final String provider) throws IOException, InterruptedException {
        for (final JsonNode version : versions(provider)) {
            if (version.path("is_default").asBoolean()) {
                return version.path("version").asString();
            }
        }
        throw new IllegalStateException(provider + " has no default version");
    }

    JsonNode read(final String body) {
        return json.readTree(body);
    }

    /** Sets a simulator's knobs ({@code PUT /sim/knobs}). */
    void knobs(final int simulatorPort, final String body) throws IOException, InterruptedException {
        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + simulatorPort + "/sim/knobs"))
            .PUT(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
            HttpResponse.BodyHandlers.discarding());
    }
}
