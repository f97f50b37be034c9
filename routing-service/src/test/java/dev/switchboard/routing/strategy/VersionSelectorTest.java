package dev.switchboard.routing.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.testing.MutableClock;
import dev.switchboard.events.SelectionReason;
import dev.switchboard.routing.table.Endpoints;
import dev.switchboard.routing.health.AllUnhealthy;
import dev.switchboard.routing.health.HealthBoard;
import dev.switchboard.routing.table.Provider;
import dev.switchboard.routing.table.VersionConfig;
import dev.switchboard.schemas.VersionKey;
import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import dev.switchboard.routing.table.ProviderPolicy;
import dev.switchboard.routing.table.StickyRollout;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.time.Duration;
import dev.switchboard.routing.health.OutlierDetector;
import org.junit.jupiter.api.Test;

class VersionSelectorTest {

    private final HealthBoard health = new HealthBoard();
    private final MutableClock clock = new MutableClock();
    private final OutlierDetector outliers = new OutlierDetector(
        new OutlierDetector.Settings(3, Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofSeconds(30)), clock);
    private final VersionSelector selector = selector(AllUnhealthy.REJECT);

    @Test
    void splitsTrafficInProportionToWeight() {
        final Provider provider = provider(version("v1", 90, true, true), version("v2", 10, true, false));

        final Map<String, Integer> counts = countSelections(provider, 20_000);

        assertThat(counts.get("v2") / 20_000.0).isCloseTo(0.10, org.assertj.core.data.Offset.offset(0.01));
        assertThat(counts.get("v1") + counts.get("v2")).isEqualTo(20_000);
    }

    @Test
    void routesNothingToAnUnhealthyVersion() {
        final Provider provider = provider(version("v1", 90, true, true), version("v2", 10, true, false));
        health.report(new VersionKey("LLM", "OllamaLLM", "v1"), new HealthBoard.Report(false, "HTTP 503", Instant.EPOCH));

        final Map<String, Integer> counts = countSelections(provider, 1_000);

        assertThat(counts).containsOnlyKeys("v2").containsEntry("v2", 1_000);
    }

    @Test
    void routesToAVersionAgainOnceItIsReportedHealthy() {
        final Provider provider = provider(version("v1", 50, true, true), version("v2", 50, true, false));
        final VersionKey v1 = new VersionKey("LLM", "OllamaLLM", "v1");
        health.report(v1, new HealthBoard.Report(false, "down", Instant.EPOCH));
        health.report(v1, new HealthBoard.Report(true, "healthy", Instant.EPOCH));

        assertThat(countSelections(provider, 1_000)).containsKeys("v1", "v2");
    }

    @Test
    void routesNothingToAnInactiveVersion() {
        final Provider provider = provider(version("v1", 50, true, true), version("v2", 50, false, false));

        assertThat(countSelections(provider, 500)).containsOnlyKeys("v1");
    }

    @Test
    void letsAStickyRolloutSplitItsTwoVersionsWhateverTheirWeights() {
        final VersionSelector sticky = new VersionSelector(List.of(new WeightedStrategy(), new StickyRolloutStrategy()),
            health, outliers, new TrafficCounters(), new SubjectHasher(new byte[32]), new SplittableRandom(42),
            AllUnhealthy.REJECT, ExperimentAssignments.NONE, Endpoints.none());
        final Provider provider = new Provider("LLM", "OllamaLLM", new ProviderPolicy(StickyRolloutStrategy.NAME,
            Optional.of(new StickyRollout("v1", "v2", 30, "salt")), Optional.empty(), 3),
            List.of(version("v1", 100, true, true), version("v2", 0, true, false), version("v3", 0, true, false)));

        final Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            final Selection.Chosen chosen = (Selection.Chosen) sticky.select(provider, Optional.of("user-" + i));
            counts.merge(chosen.version().version(), 1, Integer::sum);
        }

        assertThat(counts).containsOnlyKeys("v1", "v2");
        assertThat(counts.get("v2") / 10_000.0).isCloseTo(0.30, org.assertj.core.data.Offset.offset(0.02));
    }

    @Test
    void fallsBackToTheDefaultVersionWhenEveryWeightIsZero() {
        final Provider provider = provider(version("v1", 0, true, true), version("v2", 0, true, false));

        final Selection selection = selector.select(provider, Optional.empty());

        assertThat(selection).isInstanceOfSatisfying(Selection.Chosen.class, chosen -> {
            assertThat(chosen.version().version()).isEqualTo("v1");
            assertThat(chosen.reason()).isEqualTo(SelectionReason.DEFAULT);
        });
    }

    @Test
    void saysWhyWhenNoVersionCanTakeTheRequest() {
        final Provider provider = provider(version("v1", 100, true, true));
        health.report(new VersionKey("LLM", "OllamaLLM", "v1"), new HealthBoard.Report(false, "down", Instant.EPOCH));

        assertThat(selector.select(provider, Optional.empty())).isInstanceOfSatisfying(Selection.NoneRoutable.class,
            none -> assertThat(none.why()).contains("LLM/OllamaLLM"));
    }

    @Test
    void triesTheDefaultVersionWhenEveryVersionIsUnhealthyIfSoConfigured() {
        final Provider provider = provider(version("v1", 50, true, true), version("v2", 50, true, false));
        health.report(new VersionKey("LLM", "OllamaLLM", "v1"), new HealthBoard.Report(false, "down", Instant.EPOCH));
        health.report(new VersionKey("LLM", "OllamaLLM", "v2"), new HealthBoard.Report(false, "down", Instant.EPOCH));
        final VersionSelector failOpen = selector(AllUnhealthy.DEFAULT_VERSION);

        assertThat(failOpen.select(provider, Optional.empty())).isInstanceOfSatisfying(Selection.Chosen.class,
            chosen -> {
                assertThat(chosen.version().version()).isEqualTo("v1");
                assertThat(chosen.reason()).isEqualTo(SelectionReason.DEFAULT);
            });
        assertThat(failOpen.select(provider, Set.of(new VersionKey("LLM", "OllamaLLM", "v1")), Optional.empty()))
            .as("once the default failed, nothing is left").isInstanceOf(Selection.NoneRoutable.class);
        assertThat(selector.select(provider, Optional.empty()))
            .as("rejected at once when so configured").isInstanceOf(Selection.NoneRoutable.class);
    }

    @Test
    void neverOffersAFailoverTheVersionThatAlreadyFailedAndMarksItFailover() {
        final Provider provider = provider(version("v1", 90, true, true), version("v2", 10, true, false));

        for (int i = 0; i < 200; i++) {
            final Selection selection = selector.select(provider, Set.of(new VersionKey("LLM", "OllamaLLM", "v1")),
                Optional.empty());
            assertThat(selection).isInstanceOfSatisfying(Selection.Chosen.class, chosen -> {
                assertThat(chosen.version().version()).isEqualTo("v2");
                assertThat(chosen.reason()).isEqualTo(SelectionReason.FAILOVER);
            });
        }
    }

    @Test
    void routesAroundAnEjectedVersionUnlessEveryVersionIsEjected() {
        final Provider provider = provider(version("v1", 50, true, true), version("v2", 50, true, false));
        final VersionKey v1 = new VersionKey("LLM", "OllamaLLM", "v1");
        for (int i = 0; i < 3; i++) {
            outliers.recordFailure(v1);
        }
        assertThat(countSelections(provider, 500)).containsOnlyKeys("v2");

        final VersionKey v2 = new VersionKey("LLM", "OllamaLLM", "v2");
        for (int i = 0; i < 3; i++) {
            outliers.recordFailure(v2);
        }
        assertThat(countSelections(provider, 500)).containsKeys("v1", "v2"); // panic: better than failing everyone
    }

    private Map<String, Integer> countSelections(final Provider provider, final int requests) {
        final Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < requests; i++) {
            final Selection.Chosen chosen = (Selection.Chosen) selector.select(provider, Optional.empty());
            counts.merge(chosen.version().version(), 1, Integer::sum);
        }
        return counts;
    }

    static Provider provider(final VersionConfig... versions) {
        return new Provider("LLM", "OllamaLLM", WeightedStrategy.NAME, List.of(versions));
    }

    static VersionConfig version(final String version, final int weight, final boolean active,
                                 final boolean isDefault) {
        return VersionConfig.of(new VersionKey("LLM", "OllamaLLM", version), "openai", "llama2",
            URI.create("http://127.0.0.1:9101"), weight, active, isDefault, Map.of());
    }

    @Test
    void shouldRouteNothingToAVersionWithNoUrlAndNoEndpointForItsType() {
        final Provider provider = new Provider("TTS", "EdgeTTS", WeightedStrategy.NAME,
            List.of(ttsWithoutUrl("v1", "edge", 60, true), tts("v2", 40)));

        final Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 500; i++) {
            counts.merge(((Selection.Chosen) selector.select(provider, Optional.empty())).version().version(), 1,
                Integer::sum);
        }

        assertThat(counts).containsOnlyKeys("v2");
    }

    @Test
    void shouldSayWhatToConfigureWhenNoVersionHasAnEndpoint() {
        final VersionSelector defaultDespiteHealth = selector(AllUnhealthy.DEFAULT_VERSION);
        final Provider provider = new Provider("TTS", "EdgeTTS", WeightedStrategy.NAME,
            List.of(ttsWithoutUrl("v1", "edge", 100, true)));

        final Selection selection = defaultDespiteHealth.select(provider, Optional.empty());

        assertThat(selection).isInstanceOfSatisfying(Selection.NoneRoutable.class, none -> assertThat(none.why())
            .contains("TTS/EdgeTTS/v1 has no url").contains("switchboard.routing.types.edge.url"));
    }

    @Test
    void shouldRouteAVersionWithoutAUrlToItsTypesEndpointOnceOneIsConfigured() {
        final VersionSelector withEdge = selector(AllUnhealthy.REJECT,
            Endpoints.of(Map.of("Edge", URI.create("http://tts-gateway:8000/edge"))));
        final Provider provider = new Provider("TTS", "EdgeTTS", WeightedStrategy.NAME,
            List.of(ttsWithoutUrl("v1", "edge", 100, true), ttsWithoutUrl("v2", "doubao", 100, false)));

        final Selection selection = withEdge.select(provider, Optional.empty());

        assertThat(selection).isInstanceOfSatisfying(Selection.Chosen.class,
            chosen -> assertThat(chosen.version().version()).isEqualTo("v1"));
    }

    private static VersionConfig ttsWithoutUrl(final String version, final String type, final int weight,
                                               final boolean isDefault) {
        return VersionConfig.of(new VersionKey("TTS", "EdgeTTS", version), type, null, null, weight, true,
            isDefault, Map.of("voice", "zh-CN-XiaoxiaoNeural"));
    }

    private static VersionConfig tts(final String version, final int weight) {
        return VersionConfig.of(new VersionKey("TTS", "EdgeTTS", version), "http", null,
            URI.create("http://127.0.0.1:9103/tts"), weight, true, false, Map.of());
    }

    private VersionSelector selector(final AllUnhealthy whenAllUnhealthy) {
        return selector(whenAllUnhealthy, Endpoints.none());
    }

    private VersionSelector selector(final AllUnhealthy whenAllUnhealthy, final Endpoints endpoints) {
        return new VersionSelector(List.of(new WeightedStrategy()), health, outliers, new TrafficCounters(),
            new SubjectHasher(new byte[32]), new SplittableRandom(42), whenAllUnhealthy, ExperimentAssignments.NONE,
            endpoints);
    }
}
