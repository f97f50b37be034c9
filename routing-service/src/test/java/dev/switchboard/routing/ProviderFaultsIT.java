package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.simulator.Knobs;
import dev.switchboard.simulator.Knobs.Fault;
import dev.switchboard.simulator.SimulatedProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A provider that misbehaves in every way a real one does, from the simulator: slow past the timeout, a
 * connection dropped mid-answer, 429 with {@code Retry-After}, malformed JSON, an answer over the size limit, a black
 * hole. {@code Pair}'s only version misbehaves and its fallback provider {@code Backup} is healthy: every fault
 * fails over, and the client gets its answer. {@code Alone} has nothing to fail over to: the client gets an error in
 * OpenAI's shape. Every call is bounded: none takes more than the response timeout and a little.
 */
class ProviderFaultsIT {

    private static final Logger log = LoggerFactory.getLogger(ProviderFaultsIT.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Knobs HEALTHY = new Knobs(0, 0, 0, 500, false, 4, 0);
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(1);
    /** The longest any call may take: the response timeout, then a healthy fallback's answer, with room to spare. */
    private static final Duration BOUND = Duration.ofSeconds(4);

    /** The ways of misbehaving the router is tested against. */
    enum Misbehaviour {
        SLOW_PAST_THE_TIMEOUT(new Knobs(3_000, 0, 0, 500, false, 4, 0)),
        CONNECTION_DROPPED_MID_ANSWER(HEALTHY.with(Fault.RESET_MID_ANSWER, 0)),
        RATE_LIMITED_WITH_RETRY_AFTER(new Knobs(0, 0, 1, 429, false, 4, 0).with(Fault.NONE, 7)),
        MALFORMED_JSON(HEALTHY.with(Fault.MALFORMED_JSON, 0)),
        OVER_THE_SIZE_LIMIT(HEALTHY.with(Fault.OVERSIZED, 0)),
        BLACK_HOLE(HEALTHY.with(Fault.BLACK_HOLE, 0));

        private final Knobs knobs;

        Misbehaviour(final Knobs knobs) {
            this.knobs = knobs;
        }
    }

    private static SimulatedProvider faulty;
    private static SimulatedProvider healthy;
    private static ConfigurableApplicationContext router;
    private static String base;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        faulty = SimulatedProvider.start("faulty", "127.0.0.1", 0, HEALTHY);
        healthy = SimulatedProvider.start("healthy", "127.0.0.1", 0, HEALTHY);
        router = RoutingServiceApplication.builder().run(
            "--server.port=0",
            "--spring.kafka.bootstrap-servers=127.0.0.1:1", // no broker: the faults here are the providers'
            "--switchboard.security.client-keys=test-key",
            "--switchboard.security.admin-token=admin-token",
            "--switchboard.routing.response-timeout=" + RESPONSE_TIMEOUT.toMillis() + "ms",
            "--switchboard.routing.max-answer-size=1MB",
            "--switchboard.routing.providers[0].category=LLM",
            "--switchboard.routing.providers[0].name=Pair",
            "--switchboard.routing.providers[0].fallback_provider=Backup",
            "--switchboard.routing.providers[0].versions[0].version=f1",
            "--switchboard.routing.providers[0].versions[0].url=http://127.0.0.1:" + faulty.port(),
            "--switchboard.routing.providers[0].versions[0].weight=100",
            "--switchboard.routing.providers[1].category=LLM",
            "--switchboard.routing.providers[1].name=Backup",
            "--switchboard.routing.providers[1].versions[0].version=h1",
            "--switchboard.routing.providers[1].versions[0].url=http://127.0.0.1:" + healthy.port(),
            "--switchboard.routing.providers[1].versions[0].weight=100",
            "--switchboard.routing.providers[2].category=LLM",
            "--switchboard.routing.providers[2].name=Alone",
            "--switchboard.routing.providers[2].versions[0].version=a1",
            "--switchboard.routing.providers[2].versions[0].url=http://127.0.0.1:" + faulty.port(),
            "--switchboard.routing.providers[2].versions[0].weight=100");
        base = "http://127.0.0.1:" + ((WebServerApplicationContext) router).getWebServer().getPort();
    }

    @AfterAll
    static void stop() {
        router.close();
        faulty.close();
        healthy.close();
    }

    @AfterEach
    void heal() {
        faulty.setKnobs(HEALTHY);
    }

    @ParameterizedTest
    @EnumSource(Misbehaviour.class)
    void shouldFailOverToTheFallbackProviderWhateverWayTheFirstVersionMisbehaves(final Misbehaviour misbehaviour)
        throws Exception {
        faulty.setKnobs(misbehaviour.knobs);
        // A stream dropped after its first event has reached the client cannot fail over (the test below).
        for (final boolean stream : misbehaviour == Misbehaviour.CONNECTION_DROPPED_MID_ANSWER ? List.of(false)
            : List.of(false, true)) {
            final Timed answer = chat("Pair", stream);
            log.info("{} ({}): {} from {} in {} ms", misbehaviour, stream ? "stream" : "plain", answer.status(),
                answer.version(), answer.took().toMillis());
            assertThat(answer.status()).as("%s, stream %s: %s", misbehaviour, stream, answer.body()).isEqualTo(200);
            assertThat(answer.version()).as("served by the fallback").isEqualTo("h1");
            assertThat(answer.took()).isLessThanOrEqualTo(BOUND);
            if (stream) {
                assertThat(answer.body()).contains("data: [DONE]");
            } else {
                assertThat(JSON.readTree(answer.body()).path("choices").get(0).path("message").path("content")
                    .asString()).startsWith("Simulated");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Misbehaviour.class)
    void shouldAnswerInOpenAisErrorShapeWhenNothingCanTakeOver(final Misbehaviour misbehaviour) throws Exception {
        faulty.setKnobs(misbehaviour.knobs);
        final Timed answer = chat("Alone", false);
        log.info("{} with nothing to fail over to: {} in {} ms: {}", misbehaviour, answer.status(),
            answer.took().toMillis(), answer.body());
        assertThat(answer.took()).isLessThanOrEqualTo(BOUND);
        final JsonNode error = JSON.readTree(answer.body()).path("error");
        assertThat(error.path("message").asString()).as(answer.body()).isNotBlank();
        assertThat(error.path("type").asString()).as(answer.body()).isNotBlank();
        switch (misbehaviour) {
            case SLOW_PAST_THE_TIMEOUT, BLACK_HOLE -> assertThat(answer.status()).isEqualTo(504);
            case RATE_LIMITED_WITH_RETRY_AFTER -> {
                assertThat(answer.status()).isEqualTo(429);
                assertThat(answer.retryAfter()).as("the provider's own Retry-After").isEqualTo("7");
            }
            case CONNECTION_DROPPED_MID_ANSWER -> {
                assertThat(answer.status()).isEqualTo(502);
                assertThat(error.path("message").asString()).contains("dropped the connection");
            }
            case MALFORMED_JSON -> {
                assertThat(answer.status()).isEqualTo(502);
                assertThat(error.path("message").asString()).contains("malformed JSON");
            }
            case OVER_THE_SIZE_LIMIT -> {
                assertThat(answer.status()).isEqualTo(502);
                assertThat(error.path("message").asString()).contains("max-answer-size");
            }
        }
    }

    @Test
    void shouldEndAStreamThatBreaksAfterItsFirstByteWithAnErrorEvent() throws Exception {
        faulty.setKnobs(HEALTHY.with(Fault.RESET_MID_ANSWER, 0));
        // The first version's stream begins before it breaks: too late to fail over, so the client is told.
        final Timed answer = chat("Alone", true);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.took()).isLessThanOrEqualTo(BOUND);
        final List<String> events = answer.body().lines().filter(line -> line.startsWith("data: ")).toList();
        assertThat(events).as(answer.body()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(events.getFirst()).contains("chat.completion.chunk");
        final JsonNode last = JSON.readTree(events.getLast().substring("data: ".length()));
        assertThat(last.path("error").path("message").asString()).as(answer.body()).contains("broke off");
        assertThat(answer.body()).doesNotContain("[DONE]");
    }

    private record Timed(int status, String version, String retryAfter, String body, Duration took) {
    }

    private Timed chat(final String model, final boolean stream) throws Exception {
        final long start = System.nanoTime();
        final HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer test-key").header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}"))
            .build(), HttpResponse.BodyHandlers.ofString());
        return new Timed(response.statusCode(), response.headers().firstValue("X-Switchboard-Version").orElse(""),
            response.headers().firstValue("Retry-After").orElse(""), response.body(),
            Duration.ofNanos(System.nanoTime() - start));
    }
}
