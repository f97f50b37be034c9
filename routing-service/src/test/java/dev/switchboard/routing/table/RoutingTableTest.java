package dev.switchboard.routing.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.schemas.VersionKey;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutingTableTest {

    private final RoutingTable table = new RoutingTable(List.of(
        provider("LLM", "Chat"), provider("LLM", "OllamaLLM"), provider("TTS", "Chat")));

    @Test
    void findsAProviderByAUniqueNameOrByCategoryAndName() {
        assertThat(table.find("OllamaLLM")).isInstanceOf(RoutingTable.Lookup.Found.class);
        assertThat(table.find("TTS/Chat")).isInstanceOfSatisfying(RoutingTable.Lookup.Found.class,
            found -> assertThat(found.provider().category()).isEqualTo("TTS"));
    }

    @Test
    void reportsANameSharedByTwoCategoriesAsAmbiguous() {
        assertThat(table.find("Chat")).isInstanceOfSatisfying(RoutingTable.Lookup.Ambiguous.class,
            ambiguous -> assertThat(ambiguous.candidates()).containsExactly("LLM/Chat", "TTS/Chat"));
    }

    @Test
    void reportsAnUnknownModel() {
        assertThat(table.find("gpt-5")).isInstanceOf(RoutingTable.Lookup.Unknown.class);
        assertThat(table.find("LLM/gpt-5")).isInstanceOf(RoutingTable.Lookup.Unknown.class);
    }

    @Test
    void refusesTwoDefaultVersionsAndDuplicateVersions() {
        final VersionConfig v1 = version("LLM", "X", "v1", true);
        assertThatThrownBy(() -> new Provider("LLM", "X", "weight", List.of(v1, version("LLM", "X", "v2", true))))
            .hasMessageContaining("2 default versions");
        assertThatThrownBy(() -> new Provider("LLM", "X", "weight", List.of(v1, v1)))
            .hasMessageContaining("version v1 twice");
    }

    @Test
    void refusesAWeightOutsideZeroToHundred() {
        assertThatThrownBy(() -> VersionConfig.of(new VersionKey("LLM", "X", "v1"), "openai", "m",
            URI.create("http://h:1"), 101, true, false, Map.of()))
            .hasMessageContaining("weight of LLM/X/v1 must be 0-100");
    }

    private static Provider provider(final String category, final String name) {
        return new Provider(category, name, "weight", List.of(version(category, name, "v1", true)));
    }

    private static VersionConfig version(final String category, final String name, final String version,
                                         final boolean isDefault) {
        return VersionConfig.of(new VersionKey(category, name, version), "openai", null,
            URI.create("http://127.0.0.1:9101"), 100, true, isDefault, Map.of());
    }
}
