package dev.switchboard.e2e;

import static dev.switchboard.e2e.LocalCalls.base;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponse;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.audio.speech.SpeechCreateParams;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import dev.switchboard.common.testing.TestTopics;
import dev.switchboard.events.RequestOutcome;
import dev.switchboard.routing.RoutingServiceApplication;
import dev.switchboard.schemas.EventSerdes;
import dev.switchboard.schemas.Topics;
import dev.switchboard.simulator.Knobs;
import dev.switchboard.simulator.SimulatedProvider;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The official OpenAI Java SDK ({@code com.openai:openai-java}), unchanged but for its base URL and key, against the
 * router on the real broker: models, chat, streamed chat with the usage chunk, embeddings, speech, and the SDK's own
 * exceptions for an unknown model, a bad key and an upstream that rate limits every call.
 */
@Order(5)
class OpenAiSdkIT {

    private static final Logger log = LoggerFactory.getLogger(OpenAiSdkIT.class);
    private static final String ADMIN = "sdk-admin-" + UUID.randomUUID();
    private static final String CLIENT = "sdk-client-" + UUID.randomUUID();
    private static final Knobs HEALTHY = new Knobs(1, 0.1, 0, 500, false, 6, 0);

    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static String brokers;
    private static SimulatedProvider simulator;
    private static ConfigurableApplicationContext router;
    private static OpenAIClient sdk;

    @BeforeAll
    static void start() throws Exception {
        brokers = System.getProperty("spring.embedded.kafka.brokers");
        TestTopics.createAll(brokers);
        simulator = SimulatedProvider.start("sdk", "127.0.0.1", 0, HEALTHY);
        router = RoutingServiceApplication.builder().run(
            "--server.port=0",
            "--spring.kafka.bootstrap-servers=" + brokers,
            "--switchboard.security.client-keys=" + CLIENT,
            "--switchboard.security.admin-token=" + ADMIN,
            "--switchboard.routing.outliers.consecutive-failures=1000000");
        for (final String name : List.of("SdkChat", "SdkEmbed", "SdkSpeech")) {
            // a fresh router takes changes once it has read the config topics
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> LocalCalls
                .addSimulatedVersion(http, base(router), ADMIN, "SDK", name, "v1", simulator.port(), 100, true));
        }
        sdk = client(CLIENT, 2);
    }

    @AfterAll
    static void stop() {
        if (sdk != null) {
            sdk.close();
        }
        if (router != null) {
            router.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    private static OpenAIClient client(final String key, final int retries) {
        return OpenAIOkHttpClient.builder().baseUrl(base(router) + "/v1").apiKey(key).maxRetries(retries)
            .timeout(Duration.ofSeconds(60)).build();
    }

    @Test
    void shouldListAndRetrieveTheProvidersAsModels() {
        final List<Model> models = sdk.models().list().data();
        log.info("SDK-E2E models.list(): {}", models.stream().map(Model::id).toList());
        assertThat(models).extracting(Model::id).contains("SDK/SdkChat", "SDK/SdkEmbed", "SDK/SdkSpeech");
        assertThat(models).allSatisfy(model -> assertThat(model.ownedBy()).isEqualTo("switchboard"));

        final Model byName = sdk.models().retrieve("SdkChat");
        final Model byId = sdk.models().retrieve("SDK/SdkChat");
        log.info("SDK-E2E models.retrieve(SdkChat): {}; retrieve(SDK/SdkChat): {}", byName.id(), byId.id());
        assertThat(byName.id()).isEqualTo("SDK/SdkChat");
        assertThat(byId.id()).isEqualTo("SDK/SdkChat");
    }

    @Test
    void shouldChatWithWhateverElseTheSdkSends() {
        final ChatCompletion answer = sdk.chat().completions().create(ChatCompletionCreateParams.builder()
            .model("SdkChat").addUserMessage("Say hello").user("sdk-user-1")
            .metadata(ChatCompletionCreateParams.Metadata.builder()
                .putAdditionalProperty("team", JsonValue.from("growth")).build())
            .putAdditionalBodyProperty("some_future_field", JsonValue.from(true))
            .build());
        log.info("SDK-E2E chat: model {}, '{}', usage {}", answer.model(),
            answer.choices().get(0).message().content().orElse(""), answer.usage().orElse(null));
        assertThat(answer.choices()).hasSize(1);
        assertThat(answer.choices().get(0).message().content()).isPresent().get().asString().isNotBlank();
        assertThat(answer.usage()).isPresent();
    }

    @Test
    void shouldStreamAChatWithTheUsageChunkTheOutcomeAlsoCarries() {
        final String user = "sdk-stream-user";
        final StringBuilder text = new StringBuilder();
        final List<CompletionUsage> usage = new ArrayList<>();
        final Map<TopicPartition, Long> before = TestTopics.ends(brokers, Topics.REQUEST_OUTCOMES);
        try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("SDK/SdkChat").addUserMessage("Stream please").user(user)
                    .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(chunk -> {
                chunk.choices().forEach(choice -> choice.delta().content().ifPresent(text::append));
                chunk.usage().ifPresent(usage::add);
            });
        }
        log.info("SDK-E2E streamed chat: '{}', final usage chunk {}", text, usage);
        assertThat(text).isNotEmpty();
        assertThat(usage).as("the final usage chunk").hasSize(1);

        final RequestOutcome outcome = await().atMost(Duration.ofSeconds(30)).until(() -> streamedOutcome(before),
            Optional::isPresent).orElseThrow();
        log.info("SDK-E2E the stream's outcome event: prompt {} completion {} tokens, streamed {}",
            outcome.getPromptTokens(), outcome.getCompletionTokens(), outcome.getStreamed());
        assertThat(outcome.getStreamed()).isTrue();
        assertThat(outcome.getPromptTokens()).isEqualTo(Math.toIntExact(usage.get(0).promptTokens()));
        assertThat(outcome.getCompletionTokens()).isEqualTo(Math.toIntExact(usage.get(0).completionTokens()));
    }

    @Test
    void shouldEmbedAndSpeak() throws Exception {
        final CreateEmbeddingResponse embedding = sdk.embeddings().create(EmbeddingCreateParams.builder()
            .model("SdkEmbed").input("hello").build());
        log.info("SDK-E2E embeddings: {} vector(s) of {} dimensions", embedding.data().size(),
            embedding.data().get(0).embedding().size());
        assertThat(embedding.data()).hasSize(1);
        assertThat(embedding.data().get(0).embedding()).isNotEmpty();

        try (HttpResponse speech = sdk.audio().speech().create(SpeechCreateParams.builder().model("SdkSpeech")
                .input("hello").voice("alloy").build());
             InputStream audio = speech.body()) {
            final byte[] bytes = audio.readAllBytes();
            log.info("SDK-E2E speech: HTTP {}, {} bytes of audio", speech.statusCode(), bytes.length);
            assertThat(speech.statusCode()).isEqualTo(200);
            assertThat(bytes).isNotEmpty();
        }
    }

    @Test
    void shouldRaiseTheSdksOwnExceptionsWithOpenAisErrorBody() {
        assertThatThrownBy(() -> sdk.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("NoSuchModel").addUserMessage("hi").build()))
            .isInstanceOfSatisfying(NotFoundException.class, e -> {
                log.info("SDK-E2E unknown model: {} {} {}", e.getClass().getSimpleName(), e.statusCode(), e.body());
                assertThat(e.statusCode()).isEqualTo(404);
                assertThat(e.code()).hasValue("model_not_found");
            });
        final OpenAIClient badKey = client("not-a-key", 0);
        try {
            assertThatThrownBy(() -> badKey.models().list())
                .isInstanceOfSatisfying(UnauthorizedException.class, e -> {
                    log.info("SDK-E2E bad key: {} {} {}", e.getClass().getSimpleName(), e.statusCode(), e.body());
                    assertThat(e.statusCode()).isEqualTo(401);
                    assertThat(e.type()).hasValue("invalid_request_error");
                });
        } finally {
            badKey.close();
        }
    }

    @Test
    void shouldLetTheSdkRetryARateLimitedUpstreamAfterItsRetryAfter() {
        simulator.setKnobs(new Knobs(1, 0.1, 1, 429, false, 6, 0));
        final long callsBefore = simulator.apiCalls();
        try {
            assertThatThrownBy(() -> sdk.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("SdkChat").addUserMessage("hi").build()))
                .isInstanceOfSatisfying(RateLimitException.class, e -> {
                    log.info("SDK-E2E every version rate limited: {} {}, Retry-After {}", e.getClass().getSimpleName(),
                        e.statusCode(), e.headers().values("Retry-After"));
                    assertThat(e.statusCode()).isEqualTo(429);
                    assertThat(e.headers().values("Retry-After")).containsExactly("1");
                });
            assertThat(simulator.apiCalls() - callsBefore).as("the SDK's first call and its 2 retries")
                .isEqualTo(3);
        } finally {
            simulator.setKnobs(HEALTHY);
        }
    }

    /** The one streamed request's outcome (this class streams once, on a provider of its own), from the topic. */
    private static Optional<RequestOutcome> streamedOutcome(final Map<TopicPartition, Long> after) {
        return TestTopics.readCommitted(brokers, Topics.REQUEST_OUTCOMES, EventSerdes.requestOutcome(), after).stream()
            .filter(outcome -> outcome.getCategory().equals("SDK") && outcome.getName().equals("SdkChat")
                && outcome.getStreamed())
            .findFirst();
    }
}
