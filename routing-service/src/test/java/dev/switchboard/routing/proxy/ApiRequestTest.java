package dev.switchboard.routing.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.routing.table.VersionConfig;
import dev.switchboard.schemas.VersionKey;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ApiRequestTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void rewritesTheModelAndAppliesVersionParametersTheClientDidNotSet() {
        final ApiRequest request = parse("{\"model\":\"OllamaLLM\",\"temperature\":0.1,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        final VersionConfig version = VersionConfig.of(new VersionKey("LLM", "OllamaLLM", "v2"),
            "ollama", "llama2:13b", URI.create("http://127.0.0.1:11434"), 30, true, false,
            Map.of("temperature", 0.8, "max_tokens", 4096));

        final JsonNode upstream = json.readTree(request.forVersion(version, json));

        assertThat(upstream.path("model").asString()).isEqualTo("llama2:13b");
        assertThat(upstream.path("temperature").asDouble()).isEqualTo(0.1);
        assertThat(upstream.path("max_tokens").asInt()).isEqualTo(4096);
        assertThat(upstream.path("messages").size()).isEqualTo(1);
    }

    @Test
    void refusesMalformedJsonAMissingModelAndMissingMessagesWithA400() {
        assertInvalid("{\"model\":", "not valid JSON");
        assertInvalid("[1,2]", "must be a JSON object");
        assertInvalid("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", "'model' is required");
        assertInvalid("{\"model\":\"OllamaLLM\"}", "'messages' is required");
        assertInvalid("{\"model\":\"OllamaLLM\",\"messages\":[]}", "'messages' is required");
        assertInvalid("", "body is empty");
    }

    @Test
    void requiresTheInputOfAnEmbeddingOrSpeechRequestAndNeverStreamsThem() {
        assertThatThrownBy(() -> ApiRequest.parse(Operation.AUDIO_SPEECH,
            "{\"model\":\"EdgeTTS\",\"voice\":\"x\"}".getBytes(StandardCharsets.UTF_8), json))
            .hasMessageContaining("'input' is required");
        assertThat(ApiRequest.parse(Operation.EMBEDDINGS,
            "{\"model\":\"E\",\"input\":\"hi\",\"stream\":true}".getBytes(StandardCharsets.UTF_8), json).stream())
            .isFalse();
    }

    private void assertInvalid(final String body, final String message) {
        assertThatThrownBy(() -> parse(body))
            .isInstanceOfSatisfying(FrontDoorException.class, e -> assertThat(e.status()).isEqualTo(400))
            .hasMessageContaining(message);
    }

    private ApiRequest parse(final String body) {
        return ApiRequest.parse(Operation.CHAT_COMPLETIONS, body.getBytes(StandardCharsets.UTF_8), json);
    }
}
