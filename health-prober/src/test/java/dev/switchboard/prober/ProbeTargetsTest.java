package dev.switchboard.prober;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.events.ProviderVersion;
import dev.switchboard.prober.probe.ProbeTarget;
import dev.switchboard.schemas.TypeEndpoints;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProbeTargetsTest {

    @Test
    void shouldNotProbeAVersionWithNoUrlAndNoEndpointForItsType() {
        final ProbeTargets targets = new ProbeTargets(TypeEndpoints.none(), (key, sealed) -> Optional.empty());

        targets.onChange("TTS/EdgeTTS/v1", edgeWithoutUrl());

        assertThat(targets.all()).isEmpty();
    }

    @Test
    void shouldProbeAVersionWithoutAUrlAtItsTypesEndpoint() {
        final ProbeTargets targets = new ProbeTargets(TypeEndpoints.of(Map.of("EDGE",
            URI.create("http://tts-gateway:8000/edge"))),
            (key, sealed) -> Optional.empty());

        targets.onChange("TTS/EdgeTTS/v1", edgeWithoutUrl());

        assertThat(targets.all()).extracting(ProbeTarget::url).containsExactly(URI.create("http://tts-gateway:8000/edge"));
    }

    private static ProviderVersion edgeWithoutUrl() {
        return ProviderVersion.newBuilder().setCategory("TTS").setName("EdgeTTS").setVersion("v1").setType("edge")
            .setUrl(null).setWeight(60).setIsActive(true).setIsDefault(true).setCreatedAt(Instant.EPOCH)
            .setUpdatedAt(Instant.EPOCH).build();
    }
}
