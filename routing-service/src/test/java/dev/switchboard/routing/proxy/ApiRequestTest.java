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
    void shouldSpliceTheVersionsModelIntoTheClientsBytesLeavingEverythingElseAsSent() {
        final String client = "{ \"messages\" : [{\"role\":\"user\",\"content\":\"h\\u00e9 \\\"q\\\" ü€\"}],\n"
            + "  \"model\" :\t\"Caf\\u00e9LLM\" , \"user\":\"u-1\", \"n\": 1.50 }\n";
        final ApiRequest request = parse(client);
        final VersionConfig version = VersionConfig.of(new VersionKey("LLM", "CaféLLM", "v2"), "openai",
            "gpt-\"4\" ü", URI.create("http://127.0.0.1:1"), 30, true, false, Map.of());

        final String upstream = new String(request.forVersion(version, json), StandardCharsets.UTF_8);

        assertThat(request.model()).isEqualTo("CaféLLM");
        assertThat(request.user()).contains("u-1");
        assertThat(upstream).isEqualTo(client.replace("\"Caf\\u00e9LLM\"", "\"gpt-\\\"4\\\" ü\""));
        assertThat(json.readTree(upstream).path("model").asString()).isEqualTo("gpt-\"4\" ü");
    }

    @Test
    void shouldCountTheCharactersASpeechRequestAsksForAndNoneOfAnotherOperation() {
        final byte[] speech = "{\"model\":\"tts\",\"input\":\"Grüß dich \\ud83d\\ude00!\",\"voice\":\"alloy\"}"
            .getBytes(StandardCharsets.UTF_8);
        final byte[] embedding = "{\"model\":\"e\",\"input\":\"hello\"}".getBytes(StandardCharsets.UTF_8);

        assertThat(ApiRequest.parse(Operation.AUDIO_SPEECH, speech, json).inputCharacters())
            .as("an emoji is one character, written as two escapes").isEqualTo(12);
        assertThat(ApiRequest.parse(Operation.EMBEDDINGS, embedding, json).inputCharacters()).isNull();
    }

    @Test
    void shouldPassTheClientsBytesOnAsTheyAreWhenTheVersionChangesNothing() {
        final byte[] client = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"
            .getBytes(StandardCharsets.UTF_8);
        final ApiRequest request = ApiRequest.parse(Operation.CHAT_COMPLETIONS, client, json);
        final VersionConfig version = VersionConfig.of(new VersionKey("LLM", "m", "v1"), "openai", "m",
            URI.create("http://127.0.0.1:1"), 30, true, false, Map.of());

        assertThat(request.forVersion(version, json)).isSameAs(client);
    }

    @Test
    void shouldKeepTheLastOfARepeatedFieldAsAJsonParserUpstreamWould() {
        final ApiRequest request = parse("{\"model\":\"First\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"model\":\"Second\",\"stream\":false}");
        final VersionConfig version = VersionConfig.of(new VersionKey("LLM", "Second", "v1"), "openai", "chosen",
            URI.create("http://127.0.0.1:1"), 30, true, false, Map.of());

        final JsonNode upstream = json.readTree(request.forVersion(version, json));

        assertThat(request.model()).isEqualTo("Second");
        assertThat(request.stream()).isFalse();
        assertThat(upstream.path("model").asString()).isEqualTo("chosen");
        assertThat(upstream.properties()).hasSize(3);
    }

    @Test
    void shouldReadAUtf16BodyAndSendItOnInUtf8() {
        final ApiRequest request = ApiRequest.parse(Operation.CHAT_COMPLETIONS,
            "{\"model\":\"M\",\"messages\":[{\"role\":\"user\",\"content\":\"ü\"}]}"
                .getBytes(StandardCharsets.UTF_16), json);
        final VersionConfig version = VersionConfig.of(new VersionKey("LLM", "M", "v1"), "openai", "m-1",
            URI.create("http://127.0.0.1:1"), 30, true, false, Map.of());

        final JsonNode upstream = json.readTree(new String(request.forVersion(version, json), StandardCharsets.UTF_8));

        assertThat(upstream.path("model").asString()).isEqualTo("m-1");
        assertThat(upstream.path("messages").path(0).path("content").asString()).isEqualTo("ü");
    }

    @Test
    void refusesMalformedJsonAMissingModelAndMissingMessagesWithA400() {
        assertInvalid("{\"model\":", "not valid JSON");
        assertInvalid("[1,2]", "must be a JSON object");
        assertInvalid("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", "'model' is required");
        assertInvalid("{\"model\":\"OllamaLLM\"}", "'messages' is required");
        assertInvalid("{\"model\":\"OllamaLLM\",\"messages\":[]}", "'messages' is required");
        assertInvalid("", "body is empty");
        assertInvalid("{\"model\":\"M\",\"messages\":[{\"role\":\"user\"}]} {}", "more follows its object");
        assertInvalid("{\"model\":7,\"messages\":[{\"role\":\"user\"}]}", "'model' is required");
        assertInvalid("{\"model\":\"M\",\"messages\":{\"role\":\"user\"}}", "must be a non-empty array");
        assertInvalid("{\"model\":\"M\",\"messages\":[{\"role\":\"user\"}],\"stream\":\"yes\"}", "'stream' must be");
    }

    @Test
    void requiresTheInputOfAnEmbeddingOrSpeechRequestAndNeverStreamsThem() {
        assertThatThrownBy(() -> ApiRequest.parse(Operation.AUDIO_SPEECH,
            "{\"model\":\"EdgeTTS\",\"voice\":\"x\"}".getBytes(StandardCharsets.UTF_8), json))
            .hasMessageContaining("'input' is required");
        assertThatThrownBy(() -> ApiRequest.parse(Operation.EMBEDDINGS,
            "{\"model\":\"E\",\"input\":[]}".getBytes(StandardCharsets.UTF_8), json))
            .hasMessageContaining("'input' is required");
        assertThat(ApiRequest.parse(Operation.EMBEDDINGS,
            "{\"model\":\"E\",\"input\":[[1,2],[3]]}".getBytes(StandardCharsets.UTF_8), json).model())
            .isEqualTo("E");
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
