package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.routing.table.Prices;
import dev.switchboard.routing.table.VersionConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MapPropertySource;

/** The start-up configuration as Spring Boot binds it from YAML, with the seed's field names. */
class RoutingPropertiesTest {

    @Test
    void shouldBindAVersionsPricesFromTheStartUpConfiguration() {
        final String version = "switchboard.routing.providers[0].versions";
        final Map<String, Object> yaml = Map.of(
            "switchboard.routing.providers[0].category", "LLM",
            "switchboard.routing.providers[0].name", "Chat",
            version + "[0].version", "v1",
            version + "[0].url", "http://127.0.0.1:9",
            version + "[0].is_default", "true",
            version + "[0].prices.input_per_million_tokens", "2.5",
            version + "[0].prices.per_request", "0.001",
            version + "[1].version", "v2",
            version + "[1].url", "http://127.0.0.1:9");

        final RoutingProperties properties = new Binder(ConfigurationPropertySources.from(
            new MapPropertySource("yaml", yaml))).bind("switchboard.routing", RoutingProperties.class).get();

        final List<VersionConfig> versions = properties.routedProviders().get(0).versions();
        assertThat(versions.get(0).prices()).contains(new Prices(2.5, 0, 0.001, 0));
        assertThat(versions.get(1).prices()).as("a version not priced").isEmpty();
    }
}
