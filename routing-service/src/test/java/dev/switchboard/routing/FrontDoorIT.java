package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.simulator.Knobs;
import dev.switchboard.simulator.SimulatedProvider;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The front door over real HTTP against simulated upstreams, with no Kafka broker reachable at all: every
 * request must still be served, and the outcomes that cannot be delivered are counted.
 */
class FrontDoorIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]%s}";
    private static final Knobs FAST = new Knobs(0, 0, 0, 500, false, 4, 0);

    private static SimulatedProvider v1;
    private static SimulatedProvider v2;
    private static ConfigurableApplicationContext router;
    private static String base;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        v1 = SimulatedProvider.start("v1", "127.0.0.1", 0, FAST);
        v2 = SimulatedProvider.start("v2", "127.0.0.1", 0, FAST);
        router = RoutingServiceApplication.builder().run(
            "--server.port=0",
            "--spring.kafka.bootstrap-servers=127.0.0.1:1", // nothing listens there
            "--switchboard.security.client-keys=test-key",
            "--switchboard.security.admin-token=admin-token",
            "--switchboard.routing.outcome-buffer=4",
            "--switchboard.routing.response-timeout=1s",
            "--switchboard.routing.max-request-size=64KB",
            "--switchboard.routing.providers[0].category=LLM",
            "--switchboard.routing.providers[0].name=OllamaLLM",
            "--switchboard.routing.providers[0].versions[0].version=v1",
            "--switchboard.routing.providers[0].versions[0].model_name=llama2",
            "--switchboard.routing.providers[0].versions[0].url=http://127.0.0.1:" + v1.port(),
            "--switchboard.routing.providers[0].versions[0].weight=100",
            "--switchboard.routing.providers[0].versions[0].is_default=true",
            "--switchboard.routing.providers[0].versions[1].version=v2",
            "--switchboard.routing.providers[0].versions[1].model_name=llama2:13b",
            "--switchboard.routing.providers[0].versions[1].url=http://127.0.0.1:" + v2.port(),
            "--switchboard.routing.providers[0].versions[1].weight=0",
            "--switchboard.routing.providers[1].category=TTS",
            "--switchboard.routing.providers[1].name=EdgeTTS",
            "--switchboard.routing.providers[1].versions[0].version=v1",
            "--switchboard.routing.providers[1].versions[0].type=http",
            "--switchboard.routing.providers[1].versions[0].url=http://127.0.0.1:" + v2.port() + "/tts",
            "--switchboard.routing.providers[1].versions[0].weight=100",
            "--switchboard.routing.providers[1].versions[0].parameters.voice=zh-CN-XiaoxiaoNeural",
            "--switchboard.routing.providers[1].versions[0].parameters.format=mp3",
            "--switchboard.routing.providers[2].category=EMBEDDING",
            "--switchboard.routing.providers[2].name=Embedder",
            "--switchboard.routing.providers[2].versions[0].version=e1",
            "--switchboard.routing.providers[2].versions[0].model_name=text-embedding-3-small",
            "--switchboard.routing.providers[2].versions[0].url=http://127.0.0.1:" + v1.port(),
            "--switchboard.routing.providers[2].versions[0].weight=100",
            "--switchboard.routing.providers[3].category=LLM",
            "--switchboard.routing.providers[3].name=Duo",
            "--switchboard.routing.providers[3].versions[0].version=d1",
            "--switchboard.routing.providers[3].versions[0].url=http://127.0.0.1:" + v1.port(),
            "--switchboard.routing.providers[3].versions[0].weight=50",
            "--switchboard.routing.providers[3].versions[1].version=d2",
            "--switchboard.routing.providers[3].versions[1].url=http://127.0.0.1:" + v2.port(),
            "--switchboard.routing.providers[3].versions[1].weight=50");
        base = "http://127.0.0.1:" + ((WebServerApplicationContext) router).getWebServer().getPort();
    }

    @AfterAll
    static void stop() {
        router.close();
        v1.close();
        v2.close();
    }

    @BeforeEach
    void healUpstreams() {
        v1.setKnobs(FAST);
        v2.setKnobs(FAST);
    }

    @Test
    void forwardsAChatCompletionWithTheVersionsModelName() throws Exception {
        final HttpResponse<String> response = chat(CHAT.formatted("OllamaLLM", ""), "test-key");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Switchboard-Version")).hasValue("v1");
        assertThat(response.headers().firstValue("X-Switchboard-Attempts")).hasValue("1");
        final JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("model").asString()).isEqualTo("llama2");
        assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(4);
    }

    @Test
    void relaysAStreamChunkByChunkWhileTheUpstreamIsStillAnswering() throws Exception {
        v1.setKnobs(new Knobs(0, 0, 0, 500, false, 20, 100));
        final HttpRequest request = request(CHAT.formatted("LLM/OllamaLLM", ",\"stream\":true"), "test-key");

        final HttpResponse<Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());

        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        final Iterator<String> lines = response.body().iterator();
        assertThat(lines.next()).startsWith("data: {");
        // The first chunk arrived while the upstream still had 19 tokens to send: nothing was buffered whole.
        assertThat(v1.inFlight()).isEqualTo(1);
        String last = "";
        while (lines.hasNext()) {
            final String line = lines.next();
            if (!line.isBlank()) {
                last = line;
            }
        }
        assertThat(last).isEqualTo("data: [DONE]");
    }

    @Test
    void failsAStreamOverToAnotherVersionWhenItsFirstVersionFailsBeforeItsFirstByte() throws Exception {
        v1.setKnobs(new Knobs(0, 0, 0, 500, true, 4, 0)); // d1 in an outage: 503 before any byte of a stream
        v2.setKnobs(new Knobs(0, 0, 0, 500, false, 5, 10));
        final Set<String> attempts = new HashSet<>();

        for (int i = 0; i < 30; i++) {
            final HttpResponse<String> response = chat(CHAT.formatted("Duo", ",\"stream\":true"), "test-key");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
            assertThat(response.headers().firstValue("X-Switchboard-Version")).hasValue("d2");
            assertThat(response.body()).contains("token4", "data: [DONE]");
            attempts.add(response.headers().firstValue("X-Switchboard-Attempts").orElseThrow());
        }

        assertThat(attempts).as("some streams were sent to d1 first, and failed over").contains("2");
    }

    @Test
    void passesSpeechThroughToAPlainHttpProviderAndEmbeddingsToAnOpenAiOne() throws Exception {
        final HttpResponse<byte[]> speech = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/audio/speech"))
            .header("Authorization", "Bearer test-key").header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"EdgeTTS\",\"input\":\"ni hao\"}")).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        final HttpResponse<String> embedding = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/embeddings"))
            .header("Authorization", "Bearer test-key").header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"Embedder\",\"input\":\"hello\"}")).build(),
            HttpResponse.BodyHandlers.ofString());

        assertThat(speech.statusCode()).isEqualTo(200);
        assertThat(speech.headers().firstValue("Content-Type")).hasValue("audio/mpeg");
        assertThat(new String(speech.body(), StandardCharsets.UTF_8)).isEqualTo("ID3simulated-speech:ni hao");
        assertThat(embedding.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(embedding.body()).path("model").asString()).isEqualTo("text-embedding-3-small");
        assertThat(JSON.readTree(embedding.body()).path("data").get(0).path("embedding").size()).isEqualTo(8);
    }

    @Test
    void answersBadInputWithOpenAiStyleErrors() throws Exception {
        assertError(chat("{\"model\": ", "test-key"), 400, "invalid_request_error", "not valid JSON");
        assertError(chat("{\"model\":\"OllamaLLM\"}", "test-key"), 400, "invalid_request_error", "'messages'");
        assertError(chat(CHAT.formatted("NoSuchProvider", ""), "test-key"), 404, "invalid_request_error",
            "does not name a configured provider");
        final HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
            .header("Authorization", "Bearer test-key")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(CHAT.formatted("OllamaLLM", ""))).build(),
            HttpResponse.BodyHandlers.ofString());
        assertError(form, 415, "invalid_request_error", "Content-Type must be application/json");
        final String huge = "x".repeat(70 * 1024);
        assertError(chat(CHAT.formatted("OllamaLLM", ",\"user\":\"" + huge + "\""), "test-key"), 413,
            "invalid_request_error", "larger than the 65536 bytes");
        final byte[] hugeChunked = CHAT.formatted("OllamaLLM", ",\"user\":\"" + huge + "\"").getBytes(StandardCharsets.UTF_8);
        final HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
            .header("Authorization", "Bearer test-key").header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(hugeChunked))).build(),
            HttpResponse.BodyHandlers.ofString());
        assertError(chunked, 413, "invalid_request_error", "larger than the 65536 bytes");
        final HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
            .header("Authorization", "Bearer test-key").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertError(get, 405, "invalid_request_error", "takes POST");
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
    }

    @Test
    void answersAnUpstreamThatDoesNotAnswerInTimeWithA504() throws Exception {
        v1.setKnobs(new Knobs(3_000, 0, 0, 500, false, 4, 0));

        final HttpResponse<String> response = chat(CHAT.formatted("OllamaLLM", ""), "test-key");

        assertError(response, 504, "timeout", "did not answer in time");
        assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
        // The simulator finishes the abandoned request on its own time; the stream test counts its requests.
        await().atMost(Duration.ofSeconds(10)).until(() -> v1.inFlight() == 0);
    }

    @Test
    void answersAnUpstreamFailureWithA502() throws Exception {
        v1.setKnobs(new Knobs(0, 0, 1, 500, false, 4, 0));

        final HttpResponse<String> response = chat(CHAT.formatted("OllamaLLM", ""), "test-key");

        assertError(response, 502, "upstream_error", "answered HTTP 500");
        assertThat(response.headers().firstValue("X-Switchboard-Version")).hasValue("v1");
    }

    @Test
    void shouldPassAnUnavailableOrRateLimitedUpstreamOnWithRetryAfter() throws Exception {
        v1.setKnobs(new Knobs(0, 0, 0, 500, true, 4, 0)); // an outage: 503
        final HttpResponse<String> unavailable = chat(CHAT.formatted("OllamaLLM", ""), "test-key");
        assertError(unavailable, 503, "service_unavailable", "answered HTTP 503");
        assertThat(unavailable.headers().firstValue("Retry-After")).hasValue("1");

        v1.setKnobs(new Knobs(0, 0, 1, 429, false, 4, 0));
        final HttpResponse<String> limited = chat(CHAT.formatted("OllamaLLM", ""), "test-key");
        assertError(limited, 429, "rate_limit_error", "answered HTTP 429");
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("1");
    }

    @Test
    void refusesRequestsWithoutAValidClientKey() throws Exception {
        assertError(chat(CHAT.formatted("OllamaLLM", ""), null), 401, "invalid_request_error", "Missing Authorization");
        assertError(chat(CHAT.formatted("OllamaLLM", ""), "wrong"), 401, "invalid_request_error", "Invalid client key");
    }

    @Test
    void shouldListTheProvidersAsOpenAiModelsBehindTheClientKey() throws Exception {
        final HttpResponse<String> list = get("/v1/models", "test-key");
        assertThat(list.statusCode()).isEqualTo(200);
        final JsonNode models = JSON.readTree(list.body());
        assertThat(models.path("object").asString()).isEqualTo("list");
        assertThat(models.path("data").valueStream().map(m -> m.path("id").asString()))
            .containsExactly("EMBEDDING/Embedder", "LLM/Duo", "LLM/OllamaLLM", "TTS/EdgeTTS");
        assertThat(models.path("data").get(2).path("object").asString()).isEqualTo("model");
        assertThat(models.path("data").get(2).path("owned_by").asString()).isEqualTo("switchboard");
        assertThat(models.path("data").get(2).path("created").isIntegralNumber()).isTrue();

        for (final String id : List.of("OllamaLLM", "LLM/OllamaLLM", "LLM%2FOllamaLLM")) {
            final HttpResponse<String> one = get("/v1/models/" + id, "test-key");
            assertThat(one.statusCode()).as(id).isEqualTo(200);
            assertThat(JSON.readTree(one.body()).path("id").asString()).isEqualTo("LLM/OllamaLLM");
        }
        assertError(get("/v1/models/NoSuchProvider", "test-key"), 404, "invalid_request_error",
            "does not name a configured provider");
        assertError(get("/v1/models", null), 401, "invalid_request_error", "Missing Authorization");
        assertError(get("/v1/models", "admin-token"), 401, "invalid_request_error", "Invalid client key");
    }

    @Test
    void shouldReportItsOwnOverheadWithoutTheUpstreamsTime() throws Exception {
        v1.setKnobs(new Knobs(150, 0, 0, 500, false, 4, 0)); // every answer takes 150 ms upstream
        final double before = overhead("count");
        for (int i = 0; i < 5; i++) {
            final long started = System.nanoTime();
            assertThat(chat(CHAT.formatted("OllamaLLM", ""), "test-key").statusCode()).isEqualTo(200);
            assertThat(System.nanoTime() - started).isGreaterThan(150_000_000L);
        }

        assertThat(overhead("count") - before).isEqualTo(5);
        assertThat(overhead("max")).as("the router's own time, the upstream's 150 ms taken out").isLessThan(0.1);
    }

    @Test
    void shouldExportHowManyRequestLogLinesItDroppedNoneWhenItKeepsUp() throws Exception {
        assertThat(chat(CHAT.formatted("OllamaLLM", ""), "test-key").statusCode()).isEqualTo(200);

        final String text = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        assertThat(Pattern.compile("^switchboard_request_log_dropped_total(\\{[^}]*\\})? 0\\.0$", Pattern.MULTILINE)
            .matcher(text).find()).as("switchboard_request_log_dropped_total, at 0").isTrue();
    }

    /** A statistic of switchboard_router_overhead_seconds for LLM/OllamaLLM v1. */
    private double overhead(final String statistic) throws Exception {
        final String text = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        final Matcher matcher = Pattern.compile("^switchboard_router_overhead_seconds_" + statistic
            + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE).matcher(text);
        while (matcher.find()) {
            if (matcher.group(1).contains("provider=\"LLM/OllamaLLM\"") && matcher.group(1).contains("version=\"v1\"")) {
                return Double.parseDouble(matcher.group(2));
            }
        }
        return 0;
    }

    @Test
    void shouldBeAliveButNotReadyWhileItHasNotReadTheConfigTopics() throws Exception {
        final HttpResponse<String> liveness = get("/actuator/health/liveness", null);
        final HttpResponse<String> readiness = get("/actuator/health/readiness", null);

        assertThat(liveness.statusCode()).isEqualTo(200);
        assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(503);
        assertThat(readiness.headers().firstValue("connection")).as("WebFlux's answers close their connection")
            .contains("close");
        final JsonNode ready = JSON.readTree(readiness.body());
        assertThat(ready.path("status").asString()).isEqualTo("OUT_OF_SERVICE");
        assertThat(ready.path("components").path("configTopics").path("details").path("read").asBoolean()).isFalse();
        // Not ready for a new client, yet it serves by its start-up configuration meanwhile.
        assertThat(chat(CHAT.formatted("OllamaLLM", ""), "test-key").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAnswerAnUnknownV1PathInOpenAisShape() throws Exception {
        assertError(get("/v1/completions/legacy", "test-key"), 404, "invalid_request_error", "Unknown path GET");
        assertError(get("/v1/files", null), 401, "invalid_request_error", "Missing Authorization");
    }

    @Test
    void servesEveryRequestWithTheBrokerDownAndCountsTheOutcomesItCouldNotKeep() throws Exception {
        final int requests = 20;
        for (int i = 0; i < requests; i++) {
            assertThat(chat(CHAT.formatted("OllamaLLM", ""), "test-key").statusCode()).isEqualTo(200);
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThat(metric("switchboard_events_dropped_total", "buffer_full")).isPositive());
        assertThat(metric("switchboard_events_delivered_total", null)).isZero();
    }

    private double metric(final String name, final String reason) throws Exception {
        final String text = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        final Pattern pattern = Pattern.compile("^" + name + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
        final Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            if (reason == null || matcher.group(1).contains("reason=\"" + reason + "\"")) {
                return Double.parseDouble(matcher.group(2));
            }
        }
        throw new AssertionError(name + " not found in " + List.of(text.split("\n")).stream()
            .filter(l -> l.startsWith("switchboard")).toList());
    }

    private static void assertError(final HttpResponse<String> response, final int status, final String type,
                                    final String message) {
        assertThat(response.statusCode()).isEqualTo(status);
        final JsonNode error = JSON.readTree(response.body()).path("error");
        assertThat(error.path("type").asString()).isEqualTo(type);
        assertThat(error.path("message").asString()).contains(message);
    }

    private HttpResponse<String> get(final String path, final String key) throws Exception {
        final HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (key != null) {
            builder.header("Authorization", "Bearer " + key);
        }
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> chat(final String body, final String key) throws Exception {
        return http.send(request(body, key), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(final String body, final String key) {
        final HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            builder.header("Authorization", "Bearer " + key);
        }
        return builder.build();
    }
}
