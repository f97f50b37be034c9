package dev.switchboard.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one reading of switchboard.routing.types.<type>.url that routers and probers share. */
class TypeEndpointsTest {

    @Test
    void shouldFindATypesEndpointWhateverTheCaseOfItsName() {
        final TypeEndpoints endpoints = TypeEndpoints.of(Map.of("Edge", URI.create("http://tts-gateway:8000/edge")));

        assertThat(endpoints.of("edge")).contains(URI.create("http://tts-gateway:8000/edge"));
        assertThat(endpoints.of("EDGE")).contains(URI.create("http://tts-gateway:8000/edge"));
        assertThat(endpoints.of("doubao")).isEmpty();
        assertThat(TypeEndpoints.none().of("edge")).isEmpty();
    }

    @Test
    void shouldRefuseAUrlThatIsNotAbsoluteNamingItsSetting() {
        assertThatThrownBy(() -> TypeEndpoints.of(Map.of("edge", URI.create("/edge"))))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("switchboard.routing.types.edge.url must be an absolute url, got '/edge'");
    }

    @Test
    void shouldRefuseATypeNamedTwice() {
        assertThatThrownBy(() -> TypeEndpoints.of(Map.of("edge", URI.create("http://a/"), "EDGE",
            URI.create("http://b/")))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
    }
}
