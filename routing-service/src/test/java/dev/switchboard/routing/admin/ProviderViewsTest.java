package dev.switchboard.routing.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.routing.health.HealthBoard;
import dev.switchboard.routing.table.Endpoints;
import dev.switchboard.routing.table.Provider;
import dev.switchboard.routing.table.VersionConfig;
import dev.switchboard.schemas.VersionKey;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Seed 000's answers keep the seed's field names, now that they are records named by Jackson. */
class ProviderViewsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final AdminViews views = new AdminViews(new HealthBoard(), Endpoints.none());
    private final Provider provider = new Provider("TTS", "EdgeTTS", "weight", List.of(
        VersionConfig.of(new VersionKey("TTS", "EdgeTTS", "v1"), "edge", null, null, 60, true, true,
            Map.of("voice", "zh-CN-XiaoxiaoNeural")),
        VersionConfig.of(new VersionKey("TTS", "EdgeTTS", "v2"), "http", null, URI.create("http://127.0.0.1:9/tts"),
            40, true, false, Map.of())));

    @Test
    void shouldListVersionsWithSeed000sFieldNames() {
        final JsonNode list = JSON.valueToTree(views.versionList(provider));

        assertThat(list.path("total").asInt()).isEqualTo(2);
        final JsonNode v1 = list.path("data").get(0);
        assertThat(v1.propertyNames()).containsExactly("category", "name", "version", "weight", "is_active",
            "is_default", "health_score", "routable", "not_routable_reason", "created_at", "updated_at");
        assertThat(v1.path("created_at").asString()).isEqualTo("1970-01-01T00:00:00Z");
        assertThat(list.path("data").get(1).has("not_routable_reason")).as("left out when routable").isFalse();
    }

    @Test
    void shouldAnswerTheGrayscaleStateWithEachVersionsConfig() {
        final JsonNode state = JSON.valueToTree(views.grayscale(provider)).path("data");

        assertThat(state.propertyNames()).containsExactly("category", "name", "strategy", "max_attempts", "versions",
            "change_policy");
        assertThat(state.path("change_policy").path("approval_for")).isEmpty();
        assertThat(state.path("change_policy").has("max_weight_step")).as("no limit").isFalse();
        final JsonNode v1 = state.path("versions").get(0);
        assertThat(v1.path("is_default").asBoolean()).isTrue();
        assertThat(v1.path("health_score").asDouble()).isEqualTo(100.0);
        assertThat(v1.path("config").path("voice").asString()).isEqualTo("zh-CN-XiaoxiaoNeural");
        assertThat(v1.path("config").has("url")).isFalse();
    }
}
