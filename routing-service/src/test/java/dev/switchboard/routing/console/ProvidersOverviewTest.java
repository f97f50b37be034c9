package dev.switchboard.routing.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.testing.MutableClock;
import dev.switchboard.routing.table.Endpoints;
import dev.switchboard.routing.experiment.ExperimentBoard;
import dev.switchboard.routing.health.HealthBoard;
import dev.switchboard.routing.health.OutlierDetector;
import dev.switchboard.routing.table.Provider;
import dev.switchboard.routing.table.ProviderPolicy;
import dev.switchboard.routing.table.StickyRollout;
import dev.switchboard.routing.table.VersionConfig;
import dev.switchboard.schemas.VersionKey;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProvidersOverviewTest {

    private final MutableClock clock = new MutableClock();
    private final HealthBoard health = new HealthBoard();
    private final OutlierDetector outliers = new OutlierDetector(
        new OutlierDetector.Settings(1, Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofSeconds(30)), clock);
    private final ExperimentBoard experiments = new ExperimentBoard(clock);
    private final ProvidersOverview overview = new ProvidersOverview(health, outliers, experiments,
        Endpoints.none());

    @Test
    void shouldConfigureSharesByTheWeightsOfTheActiveVersions() {
        final Provider provider = provider("weight", version("v1", 60, true, true), version("v2", 20, true, false),
            version("v3", 50, false, false));

        assertThat(ProvidersOverview.configuredShares(provider)).containsOnly(Map.entry("v1", 75.0),
            Map.entry("v2", 25.0));
    }

    @Test
    void shouldConfigureAStickyRolloutsSplitWhateverTheWeights() {
        final Provider provider = new Provider("LLM", "Chat", new ProviderPolicy("sticky_rollout",
            Optional.of(new StickyRollout("v1", "v2", 20, "salt")), Optional.empty(), 3),
            List.of(version("v1", 100, true, true), version("v2", 0, true, false)));

        assertThat(ProvidersOverview.configuredShares(provider)).containsOnly(Map.entry("v1", 80.0),
            Map.entry("v2", 20.0));
    }

    @Test
    void shouldGiveTheDefaultEverythingWhenNoVersionHasWeight() {
        final Provider provider = provider("weight", version("v1", 0, true, true), version("v2", 0, true, false));

        assertThat(ProvidersOverview.configuredShares(provider)).containsOnly(Map.entry("v1", 100.0));
    }

    @Test
    void shouldSayWhyAVersionGetsNothing() {
        final Provider provider = provider("weight", version("v1", 50, true, true), version("v2", 0, true, false),
            version("v3", 50, false, false), version("v4", 50, true, false), version("v5", 50, true, false));
        health.report(key("v4"), new HealthBoard.Report(false, "HTTP 503: down", Instant.EPOCH));
        outliers.recordFailure(key("v5"));

        final Map<String, Map<String, Object>> versions = versions(overview.providers(List.of(provider),
            Optional.empty()).get(0));

        assertThat(versions.get("v1")).containsEntry("routable", true).doesNotContainKey("not_routable_reason");
        assertThat(versions.get("v2")).containsEntry("not_routable_reason", "weight 0");
        assertThat(versions.get("v3")).containsEntry("not_routable_reason", "inactive");
        assertThat(versions.get("v4")).containsEntry("not_routable_reason", "unhealthy (HTTP 503: down)");
        assertThat(versions.get("v5")).containsEntry("not_routable_reason", "ejected after failing live requests");
    }

    @Test
    void shouldCountAnExperimentsArmsAsRoutedWhateverTheirWeights() {
        final Provider provider = provider("weight", version("v1", 100, true, true), version("v2", 0, true, false),
            version("v3", 0, true, false));
        experiments.run(new ExperimentBoard.Running("ab", "LLM/Chat", List.of(new ExperimentBoard.Arm("model_a", "v1",
            0.5), new ExperimentBoard.Arm("model_b", "v2", 0.5)), "salt", clock.instant().plus(Duration.ofDays(1))));

        final Map<String, Object> json = overview.providers(List.of(provider), Optional.empty()).get(0);

        assertThat(json).containsEntry("experiment", "ab");
        assertThat(versions(json).get("v2")).containsEntry("routable", true);
        assertThat(versions(json).get("v3")).containsEntry("not_routable_reason", "weight 0");
    }

    @Test
    void shouldSetTheObservedShareBesideTheConfiguredOne() {
        final Provider provider = provider("weight", version("v1", 90, true, true), version("v2", 10, true, false),
            version("v3", 0, true, false));
        final Map<String, ProvidersOverview.Traffic> traffic = Map.of(
            "LLM/Chat/v1", new ProvidersOverview.Traffic(300, 1.0, 0.0, 40, 90, 0.0021),
            "LLM/Chat/v2", new ProvidersOverview.Traffic(100, 0.33, 0.05, 50, 120, null));

        final Map<String, Object> json = overview.providers(List.of(provider), Optional.of(traffic)).get(0);
        final Map<String, Map<String, Object>> versions = versions(json);

        assertThat(json).containsEntry("requests", 400L);
        assertThat(traffic(versions.get("v1"))).containsEntry("observed_share", 75.0).containsEntry("requests", 300L);
        assertThat(versions.get("v1")).containsEntry("configured_share", 90.0);
        assertThat(traffic(versions.get("v2"))).containsEntry("observed_share", 25.0).containsEntry("error_rate", 0.05)
            .containsEntry("p95_response_time", 120.0).containsEntry("cost_per_request_usd", null);
        assertThat(traffic(versions.get("v1"))).containsEntry("cost_per_request_usd", 0.0021);
        assertThat(traffic(versions.get("v3"))).as("no traffic: no percentiles").containsEntry("requests", 0L)
            .containsEntry("p50_response_time", null);
    }

    @Test
    void shouldLeaveTrafficOutWhenStatsStreamsDidNotAnswer() {
        final Provider provider = provider("weight", version("v1", 100, true, true));

        final Map<String, Object> json = overview.providers(List.of(provider), Optional.empty()).get(0);

        assertThat(json).doesNotContainKey("requests");
        assertThat(versions(json).get("v1")).doesNotContainKey("traffic").containsEntry("configured_share", 100.0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> versions(final Map<String, Object> provider) {
        final Map<String, Map<String, Object>> byVersion = new java.util.HashMap<>();
        ((List<Map<String, Object>>) provider.get("versions"))
            .forEach(version -> byVersion.put((String) version.get("version"), version));
        return byVersion;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> traffic(final Map<String, Object> version) {
        return (Map<String, Object>) version.get("traffic");
    }

    private static Provider provider(final String strategy, final VersionConfig... versions) {
        return new Provider("LLM", "Chat", strategy, List.of(versions));
    }

    private static VersionKey key(final String version) {
        return new VersionKey("LLM", "Chat", version);
    }

    private static VersionConfig version(final String version, final int weight, final boolean active,
                                         final boolean isDefault) {
        return VersionConfig.of(key(version), "openai", "llama2", URI.create("http://127.0.0.1:9101"), weight, active,
            isDefault, Map.of());
    }
}
