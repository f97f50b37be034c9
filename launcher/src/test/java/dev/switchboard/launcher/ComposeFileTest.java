package dev.switchboard.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.schemas.Topics;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml cannot run here (no Docker engine), so it is read instead and checked against what the launcher
 * starts: the same services and ports, the same demo settings, and the same demo provider file.
 */
class ComposeFileTest {

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final Pattern PORT = Pattern.compile("\"?(\\d+):(\\d+)\"?");

    @Test
    void shouldStartTheLaunchersServicesOnItsPorts() throws IOException {
        final Map<String, Map<String, Object>> services = services();
        final LauncherSettings launcher = LauncherSettings.fromEnvironment(Map.of(), Files.createTempDirectory("compose"));

        assertThat(services).containsOnlyKeys("kafka", "simulator", "stats-streams", "health-prober", "routing-service");
        assertThat(ports(services.get("kafka"))).containsExactly(launcher.kafkaPort());
        assertThat(ports(services.get("routing-service"))).containsExactly(launcher.routerPort());
        assertThat(ports(services.get("stats-streams"))).containsExactly(launcher.statsPort());
        assertThat(ports(services.get("health-prober"))).containsExactly(launcher.proberPort());
        assertThat(ports(services.get("simulator"))).containsExactly(launcher.simulatorV1Port(),
            launcher.simulatorV2Port(), launcher.simulatorV3Port());
        assertThat(command(services.get("simulator"))).contains("--instance v1=" + launcher.simulatorV1Port(),
            "--instance v2=" + launcher.simulatorV2Port(), "--instance v3=" + launcher.simulatorV3Port());
    }

    @Test
    void shouldRunTheDemoWithTheLaunchersSettings() throws IOException {
        final Map<String, Map<String, Object>> services = services();

        assertThat(command(services.get("stats-streams"))).contains(LocalSwitchboard.STATS_DEMO_ARGS);
        assertThat(command(services.get("health-prober"))).contains(LocalSwitchboard.PROBER_DEMO_ARGS);
        // Topics come from stats-streams at its start (it creates every one of Topics.all()); never from the broker.
        assertThat(environment(services.get("kafka"))).containsEntry("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
        assertThat(Topics.singleBroker()).isNotEmpty();
    }

    @Test
    void shouldRouteTheLaunchersDemoProviderFromTheOneFileBothUse() throws IOException {
        final Map<String, Object> router = services().get("routing-service");
        assertThat(volumes(router)).contains("./" + LocalSwitchboard.DEMO_PROVIDERS + ":/config/routing-providers.yml:ro");
        assertThat(command(router)).contains("--spring.config.additional-location=file:/config/routing-providers.yml");
        assertThat(environment(router)).containsEntry("SWITCHBOARD_SIMULATOR_HOST", "simulator");

        final List<Map<String, Object>> versions = demoVersions();
        assertThat(versions).extracting(v -> v.get("version")).containsExactly("v1", "v2", "v3");
        assertThat(versions).extracting(v -> v.get("weight")).containsExactly(90, 10, 0);
        assertThat(versions).extracting(v -> String.valueOf(v.get("url"))).containsExactly(
            "http://${SWITCHBOARD_SIMULATOR_HOST:127.0.0.1}:${SIMULATOR_V1_PORT:9101}",
            "http://${SWITCHBOARD_SIMULATOR_HOST:127.0.0.1}:${SIMULATOR_V2_PORT:9102}",
            "http://${SWITCHBOARD_SIMULATOR_HOST:127.0.0.1}:${SIMULATOR_V3_PORT:9103}");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() throws IOException {
        try (Reader reader = Files.newBufferedReader(ROOT.resolve("docker-compose.yml"))) {
            return (Map<String, Map<String, Object>>) new Yaml().<Map<String, Object>>load(reader).get("services");
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> demoVersions() throws IOException {
        try (Reader reader = Files.newBufferedReader(ROOT.resolve(LocalSwitchboard.DEMO_PROVIDERS))) {
            final Map<String, Object> routing = (Map<String, Object>) ((Map<String, Object>) new Yaml()
                .<Map<String, Object>>load(reader).get("switchboard")).get("routing");
            final List<Map<String, Object>> providers = (List<Map<String, Object>>) routing.get("providers");
            assertThat(providers).hasSize(1);
            assertThat(providers.get(0)).containsEntry("category", "LLM").containsEntry("name", "OllamaLLM");
            return (List<Map<String, Object>>) providers.get(0).get("versions");
        }
    }

    /** The host side of each published port. */
    @SuppressWarnings("unchecked")
    private static List<Integer> ports(final Map<String, Object> service) {
        final List<Integer> ports = new ArrayList<>();
        for (final Object published : (List<Object>) service.getOrDefault("ports", List.of())) {
            final Matcher port = PORT.matcher(String.valueOf(published));
            assertThat(port.matches()).as(String.valueOf(published)).isTrue();
            ports.add(Integer.parseInt(port.group(1)));
        }
        return ports;
    }

    @SuppressWarnings("unchecked")
    private static String command(final Map<String, Object> service) {
        return String.join(" ", (List<String>) service.get("command"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environment(final Map<String, Object> service) {
        final Map<String, Object> env = (Map<String, Object>) service.getOrDefault("environment", Map.of());
        final Map<String, Object> flat = new java.util.HashMap<>();
        env.forEach((key, value) -> flat.put(key, String.valueOf(value)));
        return flat;
    }

    @SuppressWarnings("unchecked")
    private static List<String> volumes(final Map<String, Object> service) {
        return (List<String>) service.getOrDefault("volumes", List.of());
    }
}
