package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.simulator.Knobs;
import dev.switchboard.simulator.SimulatedProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The fallback client for plain answers ({@code plain-answer-client: reactor}, Reactor Netty's, as streams use)
 * serves and fails over as the default lean client does.
 */
class PlainAnswerClientIT {

    private static final Knobs FAST = new Knobs(0, 0, 0, 500, false, 4, 0);
    private static final String CHAT = "{\"model\":\"Duo\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";

    private static SimulatedProvider d1;
    private static SimulatedProvider d2;
    private static ConfigurableApplicationContext router;
    private static String base;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        d1 = SimulatedProvider.start("d1", "127.0.0.1", 0, FAST);
        d2 = SimulatedProvider.start("d2", "127.0.0.1", 0, FAST);
        router = RoutingServiceApplication.builder().run(
            "--server.port=0",
            "--spring.kafka.bootstrap-servers=127.0.0.1:1", // nothing listens there
            "--switchboard.security.client-keys=test-key",
            "--switchboard.security.admin-token=admin-token",
            "--switchboard.routing.plain-answer-client=reactor",
            "--switchboard.routing.providers[0].category=LLM",
            "--switchboard.routing.providers[0].name=Duo",
            "--switchboard.routing.providers[0].versions[0].version=d1",
            "--switchboard.routing.providers[0].versions[0].model_name=model-d1",
            "--switchboard.routing.providers[0].versions[0].url=http://127.0.0.1:" + d1.port(),
            "--switchboard.routing.providers[0].versions[0].weight=50",
            "--switchboard.routing.providers[0].versions[1].version=d2",
            "--switchboard.routing.providers[0].versions[1].model_name=model-d2",
            "--switchboard.routing.providers[0].versions[1].url=http://127.0.0.1:" + d2.port(),
            "--switchboard.routing.providers[0].versions[1].weight=50");
        base = "http://127.0.0.1:" + ((WebServerApplicationContext) router).getWebServer().getPort();
    }

    @AfterAll
    static void stop() {
        router.close();
        d1.close();
        d2.close();
    }

    @Test
    void shouldServeAndFailOverPlainAnswersThroughReactorNettysClient() throws Exception {
        d1.setKnobs(new Knobs(0, 0, 0, 500, true, 4, 0)); // d1 in an outage
        final Set<String> attempts = new HashSet<>();

        for (int i = 0; i < 30; i++) {
            final HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base
                    + "/v1/chat/completions")).header("Authorization", "Bearer test-key")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(),
                HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.headers().firstValue("X-Switchboard-Version")).hasValue("d2");
            assertThat(answer.headers().firstValue("Content-Length")).isPresent();
            assertThat(answer.body()).contains("\"model\":\"model-d2\"", "token3");
            attempts.add(answer.headers().firstValue("X-Switchboard-Attempts").orElseThrow());
        }

        assertThat(attempts).as("some requests went to d1 first and failed over").contains("2");
    }
}
