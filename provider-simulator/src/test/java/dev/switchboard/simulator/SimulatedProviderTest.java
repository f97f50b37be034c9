package dev.switchboard.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class SimulatedProviderTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CHAT = """
        {"model":"llama2","messages":[{"role":"user","content":"say hello to me"}]%s}""";

    private final HttpClient http = HttpClient.newHttpClient();
    private SimulatedProvider provider;

    @BeforeEach
    void start() throws Exception {
        provider = SimulatedProvider.start("v1", "127.0.0.1", 0, new Knobs(0, 0, 0, 500, false, 4, 0));
    }

    @AfterEach
    void stop() {
        provider.close();
    }

    @Test
    void answersAnOpenAiChatCompletionWithUsage() throws Exception {
        final HttpResponse<String> response = post("/v1/chat/completions", CHAT.formatted(""));

        assertThat(response.statusCode()).isEqualTo(200);
        final JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("object").asString()).isEqualTo("chat.completion");
        assertThat(body.path("model").asString()).isEqualTo("llama2");
        assertThat(body.path("choices").get(0).path("message").path("content").asString()).startsWith("Simulated");
        assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(4);
        assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(4);
    }

    @Test
    void streamsSseChunksThenAUsageChunkThenDone() throws Exception {
        final HttpResponse<String> response = post("/v1/chat/completions", CHAT.formatted(",\"stream\":true"));

        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        final List<String> events = response.body().lines().filter(l -> l.startsWith("data: ")).toList();
        assertThat(events).hasSize(4 + 1 + 1 + 1);
        assertThat(events.get(events.size() - 1)).isEqualTo("data: [DONE]");
        final JsonNode usage = JSON.readTree(events.get(events.size() - 2).substring(6)).path("usage");
        assertThat(usage.path("total_tokens").asInt()).isEqualTo(8);
    }

    @Test
    void speaksOllamaNativeChatAsNdjsonByDefault() throws Exception {
        final HttpResponse<String> response = post("/api/chat", CHAT.formatted(""));

        final List<String> lines = response.body().lines().toList();
        assertThat(lines).hasSize(5);
        final JsonNode last = JSON.readTree(lines.get(4));
        assertThat(last.path("done").asBoolean()).isTrue();
        assertThat(last.path("eval_count").asInt()).isEqualTo(4);
        assertThat(get("/api/tags").body()).contains("sim-v1");
        assertThat(get("/v1/models").body()).contains("sim-v1");
    }

    @Test
    void failsEveryCallDuringAnOutageAndHealsAtRuntime() throws Exception {
        assertThat(put("/sim/knobs", "{\"outage\":true}").statusCode()).isEqualTo(200);
        final HttpResponse<String> down = post("/v1/chat/completions", CHAT.formatted(""));
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(down.body()).path("error").path("message").asString()).contains("outage");

        put("/sim/knobs", "{\"outage\":false}");
        assertThat(post("/v1/chat/completions", CHAT.formatted("")).statusCode()).isEqualTo(200);
        assertThat(provider.apiCalls()).isEqualTo(2);
    }

    @Test
    void answersWithTheConfiguredErrorStatusAtErrorRateOne() throws Exception {
        put("/sim/knobs", "{\"error_rate\":1.0,\"error_status\":429}");

        assertThat(post("/v1/chat/completions", CHAT.formatted("")).statusCode()).isEqualTo(429);
    }

    @Test
    void rejectsUnknownOrOutOfRangeKnobsAndKeepsTheOldOnes() throws Exception {
        final HttpResponse<String> unknown = put("/sim/knobs", "{\"speed\":3}");
        final HttpResponse<String> outOfRange = put("/sim/knobs", "{\"error_rate\":2}");

        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("Unknown knob 'speed'");
        assertThat(outOfRange.statusCode()).isEqualTo(400);
        assertThat(outOfRange.body()).contains("error_rate must be between 0 and 1");
        assertThat(provider.knobs().errorRate()).isZero();
    }

    @Test
    void rejectsAChatWithoutMessages() throws Exception {
        assertThat(post("/v1/chat/completions", "{\"model\":\"x\"}").statusCode()).isEqualTo(400);
        assertThat(post("/v1/chat/completions", "{not json").statusCode()).isEqualTo(400);
    }

    private HttpResponse<String> post(final String path, final String body) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> put(final String path, final String body) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> get(final String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private HttpResponse<String> send(final HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(final String path) {
        return URI.create("http://127.0.0.1:" + provider.port() + path);
    }
}
