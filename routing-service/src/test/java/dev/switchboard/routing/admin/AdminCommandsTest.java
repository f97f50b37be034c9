package dev.switchboard.routing.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.events.AdaptiveSettings;
import dev.switchboard.events.ExperimentMetric;
import dev.switchboard.events.RolloutGate;
import dev.switchboard.events.RolloutGateKind;
import dev.switchboard.events.RolloutMetric;
import dev.switchboard.routing.table.Prices;
import dev.switchboard.routing.table.Secrets;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The admin commands bound as the router binds them (its Jackson settings for commands): each refuses what is wrong
 * with a message that names the field as the caller wrote it, and a partial update tells a field left out from a
 * field set to null.
 */
class AdminCommandsTest {

    private static final JsonMapper JSON = strictMapper();

    private static JsonMapper strictMapper() {
        final JsonMapper.Builder builder = JsonMapper.builder();
        new AdminConfiguration().strictAdminCommands().customize(builder);
        return builder.build();
    }

    @Test
    void shouldBindAWeightChange() {
        assertThat(read("{\"version\": \" v2 \", \"weight\": 30}", ProviderCommands.WeightChange.class))
            .isEqualTo(new ProviderCommands.WeightChange("v2", 30));
    }

    @Test
    void shouldRefuseAWeightThatIsNotAWholeNumber0To100() {
        assertThat(refusal("{\"version\": \"v2\", \"weight\": 101}", ProviderCommands.WeightChange.class))
            .isEqualTo("'weight' must be a whole number 0-100, got 101");
        assertThat(refusal("{\"version\": \"v2\", \"weight\": \"x\"}", ProviderCommands.WeightChange.class))
            .startsWith("'weight' must be a whole number");
        assertThat(refusal("{\"version\": \"v2\", \"weight\": \"5\"}", ProviderCommands.WeightChange.class))
            .as("no conversion from text").startsWith("'weight' must be a whole number");
        assertThat(refusal("{\"version\": \"v2\", \"weight\": 1.5}", ProviderCommands.WeightChange.class))
            .as("no rounding").isEqualTo("'weight' must be a whole number, got 1.5");
        assertThat(refusal("{\"version\": \"v2\"}", ProviderCommands.WeightChange.class))
            .isEqualTo("'weight' is required: a whole number 0-100");
    }

    @Test
    void shouldRefuseAnUnknownFieldNamingTheKnownOnes() {
        assertThat(refusal("{\"strategy\": \"weight\", \"max_attemps\": 5}", ProviderCommands.StrategyChange.class))
            .isEqualTo("Unknown field 'max_attemps'; the fields are [fallback_provider, max_attempts, rollout, "
                + "strategy]");
    }

    @Test
    void shouldRefuseABodyThatIsNotAnObject() {
        assertThat(refusal("[1, 2]", ProviderCommands.DefaultChange.class))
            .isEqualTo("The request body must be a JSON object");
        assertThat(refusal("{\"version\": ", ProviderCommands.DefaultChange.class))
            .startsWith("The request body is not valid JSON");
    }

    @Test
    void shouldSetKeepAndRemoveAVersionsPrices() {
        final Optional<Prices> current = Optional.of(new Prices(1, 2, 0, 0));

        assertThat(read("{\"prices\": {\"input_per_million_tokens\": 2.5, \"output_per_million_tokens\": 10}}",
            VersionCommand.class).prices(current)).contains(new Prices(2.5, 10, 0, 0));
        assertThat(read("{\"prices\": {\"per_million_characters\": 15}}", VersionCommand.class).prices(current))
            .contains(new Prices(0, 0, 0, 15));
        assertThat(read("{\"weight\": 5}", VersionCommand.class).prices(current)).isEqualTo(current);
        assertThat(read("{\"prices\": null}", VersionCommand.class).prices(current)).isEmpty();
        assertThat(read("{\"prices\": {\"per_request\": 0.01}}", VersionCommand.class).parameters(Map.of()))
            .as("prices are not a parameter sent upstream").isEmpty();
    }

    @Test
    void shouldRefusePricesThatAreNotDollarAmounts() {
        assertThat(refusal("{\"prices\": {\"per_request\": -1}}", VersionCommand.class))
            .isEqualTo("price per_request must be a finite number of dollars, 0 or more, got -1.0");
        assertThat(refusal("{\"prices\": 3}", VersionCommand.class)).startsWith("'prices' must be an object");
        assertThat(refusal("{\"prices\": {\"input_per_million\": 2}}", VersionCommand.class))
            .as("a misspelt price is not silently 0").contains("input_per_million");
    }

    @Test
    void shouldKeepWhatAVersionUpdateLeavesOutAndRemoveWhatItSetsToNull() {
        final VersionCommand leftOut = read("{\"weight\": 5}", VersionCommand.class);
        final VersionCommand removed = read("{\"url\": null, \"model_name\": null, \"voice\": null, \"api_key\": null}",
            VersionCommand.class);
        final Optional<URI> url = Optional.of(URI.create("http://127.0.0.1:9"));
        final Secrets secrets = Secrets.of(Map.of("api_key", "sk-1"));

        assertThat(leftOut.url(url)).isEqualTo(url);
        assertThat(leftOut.modelName(Optional.of("m"))).contains("m");
        assertThat(leftOut.parameters(Map.of("voice", "a"))).containsEntry("voice", "a");
        assertThat(leftOut.secrets(secrets).names()).containsExactly("api_key");
        assertThat(removed.url(url)).isEmpty();
        assertThat(removed.modelName(Optional.of("m"))).isEmpty();
        assertThat(removed.parameters(Map.of("voice", "a"))).doesNotContainKey("voice");
        assertThat(removed.secrets(secrets).names()).isEmpty();
    }

    @Test
    void shouldTakeSeed000sVersionBodyWithItsParametersAndSecrets() {
        final VersionCommand doubao = read("{\"category\": \"TTS\", \"name\": \"DoubaoTTS\", \"version\": \"v2\", "
            + "\"type\": \"doubao\", \"weight\": 20, \"is_active\": true, \"appid\": \"a-1\", \"token\": \"t-1\", "
            + "\"voice_type\": \"BV001\", \"speed_ratio\": 1.2, \"max_chars\": 300}", VersionCommand.class);

        assertThat(doubao.parameters(Map.of())).containsOnly(Map.entry("voice_type", "BV001"),
            Map.entry("speed_ratio", 1.2), Map.entry("max_chars", 300L));
        assertThat(doubao.secrets(Secrets.none()).names()).containsExactlyInAnyOrder("appid", "token");
        assertThat(doubao.type()).isEqualTo("doubao");
    }

    @Test
    void shouldRefuseAParameterThatIsNotAScalarAndABlankSecret() {
        assertThat(refusal("{\"voice\": {\"a\": 1}}", VersionCommand.class))
            .isEqualTo("'voice' must be a string, number or boolean");
        assertThat(refusal("{\"api_key\": \" \"}", VersionCommand.class))
            .isEqualTo("Secret field 'api_key' must be a non-blank string");
        assertThat(refusal("{\"url\": \"ftp://x\"}", VersionCommand.class).replace("\"", ""))
            .isEqualTo("'url' must be an absolute http(s) URL, got 'ftp://x'");
    }

    @Test
    void shouldNameTheNestedFieldOfARolloutSplit() {
        assertThat(refusal("{\"strategy\": \"sticky_rollout\", \"rollout\": {\"baseline\": \"v1\", \"candidate\": "
            + "\"v2\", \"percentage\": 120}}", ProviderCommands.StrategyChange.class))
            .isEqualTo("'rollout.percentage' must be a number 0-100");
        assertThat(refusal("{\"strategy\": \"weight\", \"max_attempts\": 11}", ProviderCommands.StrategyChange.class))
            .isEqualTo("'max_attempts' must be a whole number 1-10, got 11");
    }

    @Test
    void shouldEndShadowingWithoutACandidate() {
        assertThat(read("{\"enabled\": false}", ProviderCommands.ShadowChange.class).ends()).isTrue();
        assertThat(read("{\"candidate\": \"v2\", \"percentage\": 0}", ProviderCommands.ShadowChange.class).ends())
            .isTrue();
        assertThat(refusal("{\"percentage\": 10}", ProviderCommands.ShadowChange.class))
            .isEqualTo("'candidate' is required, as a string");
    }

    @Test
    void shouldNameTheStepOfARolloutPlanThatIsWrong() {
        assertThat(refusal("{\"provider\": \"LLM/A\", \"candidate\": \"v2\", \"steps\": [{\"percentage\": 20}, "
            + "{\"percentage\": 10}]}", RolloutCommand.class))
            .startsWith("'steps[1].percentage' must be above the step before's (20.0)");
        assertThat(refusal("{\"provider\": \"LLM/A\", \"candidate\": \"v2\", \"steps\": [{\"percentage\": \"x\"}]}",
            RolloutCommand.class)).isEqualTo("'steps[0].percentage' must be a number");
        assertThat(refusal("{\"provider\": \"LLM/A\", \"candidate\": \"v2\", \"gates\": [{\"metric\": \"error_rate\", "
            + "\"kind\": \"absolute\", \"limit\": 2}]}", RolloutCommand.class))
            .isEqualTo("'gates[0].limit' must be a number from 0.0 to 0.99");
        assertThat(read("{\"provider\": \"LLM/A\", \"candidate\": \"v2\", \"gates\": [{\"metric\": "
            + "\"cost_per_request\", \"kind\": \"vs_baseline\", \"limit\": 0.1}]}", RolloutCommand.class)
            .plannedGates()).containsExactly(new RolloutGate(RolloutMetric.COST_PER_REQUEST,
                RolloutGateKind.VS_BASELINE, 0.1));
        assertThat(read("{\"provider\": \"LLM/A\", \"candidate\": \"v2\"}", RolloutCommand.class).plannedSteps())
            .isEqualTo(RolloutAdmin.DEFAULT_STEPS);
    }

    @Test
    void shouldKeepAnExperimentsArmsInTheOrderGiven() {
        final ExperimentCommand command = read("{\"experiment_name\": \"e\", \"provider\": \"LLM/A\", "
            + "\"model_a\": \"v1\", \"model_b\": \"v2\", \"arms\": {\"z\": \"v4\", \"c\": \"v3\"}, "
            + "\"traffic_split\": {\"model_a\": 0.25, \"model_b\": 0.25, \"z\": 0.25, \"c\": 0.25}, "
            + "\"success_metric\": \"latency\", \"duration_days\": 7}", ExperimentCommand.class);

        assertThat(command.allArms()).containsExactly(Map.entry("model_a", "v1"), Map.entry("model_b", "v2"),
            Map.entry("z", "v4"), Map.entry("c", "v3"));
        assertThat(command.alpha()).isEqualTo(0.05);
        assertThat(refusal("{\"experiment_name\": \"e\", \"provider\": \"LLM/A\", \"model_a\": \"v1\", "
            + "\"model_b\": \"v2\", \"success_metric\": \"clicks\", \"duration_days\": 7}", ExperimentCommand.class))
            .isEqualTo("'success_metric' must be one of success_rate, latency, tokens, score, cost_per_request; got 'clicks'");
    }

    @Test
    void shouldReadAnAdaptiveExperimentWithItsDefaultsAndRefuseSettingsOfTheOtherMode() {
        final String base = "{\"experiment_name\": \"e\", \"provider\": \"LLM/A\", \"model_a\": \"v1\", "
            + "\"model_b\": \"v2\", \"arms\": {\"c\": \"v3\"}, \"success_metric\": \"latency\", "
            + "\"duration_days\": 7";
        final ExperimentCommand adaptive = read(base + ", \"mode\": \"adaptive\", \"guardrails\": [{\"metric\": "
            + "\"error_rate\", \"kind\": \"vs_baseline\", \"limit\": 0.02}]}", ExperimentCommand.class);

        final AdaptiveSettings settings = adaptive.adaptiveSettings();
        assertThat(settings.getHigherIsBetter()).as("latency: lower is better").isFalse();
        assertThat(settings.getConfidence()).isEqualTo(0.95);
        assertThat(settings.getExplorationFloor()).isEqualTo(0.05);
        assertThat(settings.getMaximumArms()).isEqualTo(ExperimentCommand.DEFAULT_MAXIMUM_ARMS);
        assertThat(adaptive.minimumSample()).isEqualTo(ExperimentCommand.DEFAULT_ADAPTIVE_MINIMUM_SAMPLE);
        assertThat(adaptive.plannedGuardrails()).containsExactly(new RolloutGate(RolloutMetric.ERROR_RATE,
            RolloutGateKind.VS_BASELINE, 0.02));
        assertThat(read(base + ", \"traffic_split\": {\"model_a\": 0.5, \"model_b\": 0.25, \"c\": 0.25}}",
            ExperimentCommand.class).adaptiveSettings()).as("fixed, as seed 002 writes it").isNull();

        assertThat(refusal(base + ", \"confidence\": 0.99}", ExperimentCommand.class))
            .isEqualTo("'confidence' is a setting of adaptive experiments: add \"mode\": \"adaptive\", or leave it out");
        assertThat(refusal(base + ", \"mode\": \"adaptive\", \"alpha\": 0.01}", ExperimentCommand.class))
            .startsWith("'alpha' is a setting of fixed experiments");
        assertThat(refusal(base + ", \"mode\": \"bandit\"}", ExperimentCommand.class))
            .startsWith("'mode' must be fixed");
        assertThat(refusal(base + ", \"mode\": \"adaptive\", \"maximum_arms\": 2}", ExperimentCommand.class))
            .isEqualTo("'maximum_arms' (2) must be at least the 3 arms given");
        assertThat(refusal(base + ", \"mode\": \"adaptive\", \"exploration_floor\": 0.5}",
            ExperimentCommand.class)).isEqualTo("'exploration_floor' must be a number from 0.0 to 0.125");
        final ExperimentCommand underACeiling = read(base + ", \"mode\": \"adaptive\", \"guardrails\": [{\"metric\": "
            + "\"cost_per_request\", \"kind\": \"absolute\", \"limit\": 0.002}]}", ExperimentCommand.class);
        assertThat(underACeiling.plannedGuardrails()).as("best quality under a cost ceiling").containsExactly(
            new RolloutGate(RolloutMetric.COST_PER_REQUEST, RolloutGateKind.ABSOLUTE, 0.002));
        assertThat(read(base.replace("\"latency\"", "\"cost_per_request\"") + "}", ExperimentCommand.class)
            .metric()).isEqualTo(ExperimentMetric.COST_PER_REQUEST);
        assertThat(refusal(base + ", \"guardrails\": [{\"metric\": \"cost\", \"kind\": \"absolute\", "
            + "\"limit\": 1}]}", ExperimentCommand.class)).startsWith("'guardrails[0].metric' must be");
    }

    private static <T> T read(final String body, final Class<T> type) {
        return JSON.readValue(body, type);
    }

    private static String refusal(final String body, final Class<?> type) {
        final RuntimeException failure = catchThrowableOfType(RuntimeException.class, () -> read(body, type));
        assertThat(failure).as("refused: " + body).isNotNull();
        final AdminException explained = CommandErrors.explain(failure);
        assertThat(explained.status().value()).isEqualTo(400);
        return explained.getMessage();
    }
}
