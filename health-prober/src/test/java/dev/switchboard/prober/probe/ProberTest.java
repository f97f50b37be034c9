package dev.switchboard.prober.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.testing.FreePorts;
import dev.switchboard.schemas.VersionKey;
import dev.switchboard.simulator.Knobs;
import dev.switchboard.simulator.SimulatedProvider;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProberTest {

    private final Prober prober = new Prober(Duration.ofSeconds(2));
    private SimulatedProvider upstream;

    @BeforeEach
    void start() throws Exception {
        upstream = SimulatedProvider.start("v1", "127.0.0.1", 0, new Knobs(0, 0, 0, 500, false, 1, 0));
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    @Test
    void findsAnAnsweringOpenAiAndOllamaVersionHealthy() {
        assertThat(prober.probe(target("openai")).healthy()).isTrue();
        assertThat(prober.probe(target("ollama")).healthy()).isTrue();
        assertThat(upstream.apiCalls()).isEqualTo(2);
    }

    @Test
    void reportsTheStatusOfAVersionInOutage() {
        upstream.setKnobs(new Knobs(0, 0, 0, 500, true, 1, 0));

        final ProbeResult result = prober.probe(target("openai"));

        assertThat(result.healthy()).isFalse();
        assertThat(result.httpStatus()).isEqualTo(503);
        assertThat(result.error()).contains("HTTP 503");
    }

    @Test
    void reportsAVersionNobodyAnswersForAsUnhealthyWithoutAStatus() throws Exception {
        final int closedPort = FreePorts.any();
        final ProbeTarget nowhere = new ProbeTarget(new VersionKey("LLM", "X", "v9"), "openai",
            URI.create("http://127.0.0.1:" + closedPort), "m", true, Optional.empty());

        final ProbeResult result = prober.probe(nowhere);

        assertThat(result.healthy()).isFalse();
        assertThat(result.httpStatus()).isNull();
        assertThat(result.error()).startsWith("cannot connect");
    }

    @Test
    void sendsTheVersionsOwnKeyToItsUpstream() {
        upstream.setKnobs(new Knobs(0, 0, 0, 500, false, 1, 0, "sk-probe"));

        assertThat(prober.probe(target("openai")).httpStatus()).isEqualTo(401);
        assertThat(prober.probe(new ProbeTarget(new VersionKey("LLM", "OllamaLLM", "v1"), "openai",
            URI.create("http://127.0.0.1:" + upstream.port()), "llama2", true, Optional.of("sk-probe"))).healthy())
            .isTrue();
    }

    @Test
    void findsAPassThroughEndpointThatTakesOnlyPostsHealthyUnlessItIsInOutage() {
        final ProbeTarget edge = new ProbeTarget(new VersionKey("TTS", "EdgeTTS", "v1"), "edge",
            URI.create("http://127.0.0.1:" + upstream.port() + "/tts"), "EdgeTTS", true, Optional.empty());

        final ProbeResult answered = prober.probe(edge);
        upstream.setKnobs(new Knobs(0, 0, 0, 500, true, 1, 0));
        final ProbeResult inOutage = prober.probe(edge);

        assertThat(answered.healthy()).as("a 405 to the GET: the endpoint is there").isTrue();
        assertThat(answered.httpStatus()).isEqualTo(405);
        assertThat(inOutage.healthy()).isFalse();
        assertThat(inOutage.httpStatus()).isEqualTo(503);
        assertThat(prober.probe(new ProbeTarget(new VersionKey("TTS", "EdgeTTS", "v1"), "edge",
            URI.create("http://127.0.0.1:" + upstream.port() + "/no-such-path"), "EdgeTTS", true, Optional.empty()))
            .healthy()).as("a 404: nothing there").isFalse();
    }

    private ProbeTarget target(final String type) {
        return new ProbeTarget(new VersionKey("LLM", "OllamaLLM", "v1"), type,
            URI.create("http://127.0.0.1:" + upstream.port()), "llama2", true, Optional.empty());
    }
}
